package dev.cairn.geo.gpkg;

import java.util.List;

/**
 * A table of a GeoPackage as cairn copies it: every column in table order with its declared
 * type, the integer primary key (the fid) and the geometry column. An attribute table
 * ({@code gpkg_contents.data_type = 'attributes'}) has no geometry column: {@code geometryColumn}
 * and {@code geometryTypeName} are null, {@code srsId} is 0, and {@link #geometryIndex()} is -1,
 * so that row copies pass every column through as read.
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

    /** A table of attributes only, without a geometry column. */
    static LayerSchema attributes(String table, String identifier, String description, String primaryKey,
            List<Column> columns) {
        return new LayerSchema(table, identifier, description, null, null, 0, 0, 0, primaryKey, columns);
    }

    /** False for an attribute table. */
    boolean hasGeometry() {
        return geometryColumn != null;
    }

    /** The index of the geometry column, or -1 for an attribute table. */
    int geometryIndex() {
        if (geometryColumn == null) {
            return -1;
        }
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
