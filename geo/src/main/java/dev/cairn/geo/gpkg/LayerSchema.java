package dev.cairn.geo.gpkg;

import java.util.List;

/**
 * A feature table of a GeoPackage as cairn copies it: every column in table order with its
 * declared type, the integer primary key (the fid) and the geometry column.
 */
record LayerSchema(
        String table,
        String identifier,
        String description,
        String geometryColumn,
        String geometryTypeName,
        int z,
        int m,
        int srsId,
        String primaryKey,
        List<Column> columns) {

    /** One column as {@code PRAGMA table_info} reports it; {@code defaultSql} is SQL text or null. */
    record Column(String name, String declaredType, boolean notNull, String defaultSql, boolean primaryKey) {
    }

    int geometryIndex() {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).name().equals(geometryColumn)) {
                return i;
            }
        }
        throw new IllegalStateException("no geometry column " + geometryColumn + " in " + table);
    }

    int primaryKeyIndex() {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).name().equals(primaryKey)) {
                return i;
            }
        }
        throw new IllegalStateException("no primary key column " + primaryKey + " in " + table);
    }
}
