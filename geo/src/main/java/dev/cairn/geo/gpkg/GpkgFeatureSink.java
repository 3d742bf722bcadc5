package dev.cairn.geo.gpkg;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import dev.cairn.engine.AssetFailure;
import dev.cairn.engine.ErrorClass;
import dev.cairn.geo.crs.CrsException;
import dev.cairn.geo.crs.CrsResolver;
import dev.cairn.geo.format.Feature;
import dev.cairn.geo.format.FeatureSink;
import dev.cairn.geo.format.FieldDef;
import dev.cairn.geo.format.LayerDef;

/**
 * Writes GeoPackage layers from {@link LayerDef}s, with {@link GpkgWriter}'s DDL (GDAL's), in one
 * transaction that {@link #finish} commits; {@link #close} without it leaves nothing committed.
 *
 * <pre>
 * feature table per layer
 *   "fid"  INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL   the feature's fid, kept
 *   "geom" &lt;geometry_type_name&gt;                         GeoPackage header + ISO WKB, little endian;
 *                                                      a single part in a multi layer (Shapefile
 *                                                      polygons) promoted to the multi type
 *   fields, declared as GDAL declares them:
 *     INTEGER → MEDIUMINT   LONG → INTEGER   DOUBLE → REAL   STRING → TEXT(width) or TEXT
 *     BOOLEAN → BOOLEAN (0/1)   DATE → DATE ('YYYY-MM-DD')   DATETIME → DATETIME (text as given)
 *     BINARY → BLOB
 * gpkg_spatial_ref_sys   -1, 0, 4326 and the layer's EPSG code (WKT 1 from CrsResolver); a layer
 *                        without CRS uses -1 (undefined)
 * gpkg_contents          extent of the written geometries;  R-tree filled after loading
 * attribute table per layer without geometry ({@link dev.cairn.geo.format.GeometryKind#NONE})
 *   "fid" and the fields as above, no geometry column; gpkg_contents data_type 'attributes',
 *   no gpkg_geometry_columns row, no R-tree
 * </pre>
 *
 * <p>A field named like the fid or geometry column (SQLite compares names case-insensitively) is
 * renamed with a suffix ({@code fid_1}). A layer whose CRS has no EPSG code is refused (CRS):
 * the SRS row needs one. A repeated fid is a FORMAT failure. Write errors are transient IO
 * failures of the output. Not thread-safe.
 */
final class GpkgFeatureSink implements FeatureSink {
    static final String FID = "fid";
    static final String GEOM = "geom";

    private final Path file;
    private final GpkgWriter writer;
    private final Set<Integer> srsWritten = new HashSet<>();
    private LayerDef def;
    private LayerSchema schema;
    private int srsId;
    private FeatureRows rows;
    private boolean finished;

    GpkgFeatureSink(Path file) throws AssetFailure {
        this.file = file;
        try {
            writer = GpkgWriter.create(file);
            writer.addEpsgSrs(4326, "WGS 84", CrsResolver.wkt1("EPSG:4326"));
            srsWritten.add(4326);
        } catch (SQLException | IOException e) {
            throw io(e);
        } catch (CrsException e) {
            throw AssetFailure.permanent(ErrorClass.CRS, e.getMessage(), e);
        }
    }

    @Override
    public void beginLayer(LayerDef layer) throws AssetFailure {
        if (def != null) {
            throw new IllegalStateException("beginLayer before endLayer of '" + def.name() + "'");
        }
        srsId = srs(layer);
        schema = schemaFor(layer, srsId);
        try {
            rows = new FeatureRows(file, layer, srsId, writer.createLayer(schema), writer.rtreeStage(), true);
        } catch (SQLException e) {
            throw io(e);
        }
        def = layer;
    }

    /**
     * The table a layer gets: fid, geom, then its fields declared as GDAL declares them (a field
     * named like fid or geom, case-insensitively, is renamed with a suffix); a layer without
     * geometry gets an attribute table, fid and fields.
     */
    static LayerSchema schemaFor(LayerDef layer, int srsId) {
        List<LayerSchema.Column> columns = new ArrayList<>();
        String typeName = layer.geometryKind().name();
        columns.add(new LayerSchema.Column(FID, "INTEGER", true, null, true));
        if (layer.hasGeometry()) {
            columns.add(new LayerSchema.Column(GEOM, typeName, false, null, false));
        }
        Set<String> taken = new HashSet<>(layer.hasGeometry() ? List.of(FID, GEOM) : List.of(FID));
        for (FieldDef f : layer.fields()) {
            String name = f.name();
            for (int k = 1; taken.contains(name.toLowerCase(Locale.ROOT)); k++) {
                name = f.name() + "_" + k;
            }
            taken.add(name.toLowerCase(Locale.ROOT));
            columns.add(new LayerSchema.Column(name, declaredType(f), false, null, false));
        }
        if (!layer.hasGeometry()) {
            return LayerSchema.attributes(layer.name(), layer.name(), "", FID, List.copyOf(columns));
        }
        return new LayerSchema(layer.name(), layer.name(), "", GEOM, typeName, layer.hasZ() ? 1 : 0,
                layer.hasM() ? 1 : 0, srsId, FID, List.copyOf(columns));
    }

    private int srs(LayerDef layer) throws AssetFailure {
        if (layer.crsCode() == null) {
            if (layer.crs() == null) {
                return -1;
            }
            throw AssetFailure.permanent(ErrorClass.CRS, file + ": layer '" + layer.name()
                    + "' has a CRS without EPSG code (" + layer.crs().getName().getCode()
                    + "); a GeoPackage output needs one: reproject to an EPSG code");
        }
        try {
            String code = CrsResolver.canonicalCode(layer.crsCode());
            int n = Integer.parseInt(code.substring("EPSG:".length()));
            if (srsWritten.add(n)) {
                writer.addEpsgSrs(n, CrsResolver.name(code), CrsResolver.wkt1(code));
            }
            return n;
        } catch (CrsException e) {
            throw AssetFailure.permanent(ErrorClass.CRS, file + ": layer '" + layer.name() + "': " + e.getMessage(), e);
        } catch (SQLException e) {
            throw io(e);
        }
    }

    /** The declared SQL type GDAL gives a field of this type. */
    static String declaredType(FieldDef f) {
        return switch (f.type()) {
            case INTEGER -> "MEDIUMINT";
            case LONG -> "INTEGER";
            case DOUBLE -> "REAL";
            case STRING -> f.width() > 0 ? "TEXT(" + f.width() + ")" : "TEXT";
            case BOOLEAN -> "BOOLEAN";
            case DATE -> "DATE";
            case DATETIME -> "DATETIME";
            case BINARY -> "BLOB";
        };
    }

    @Override
    public void write(Feature feature) throws AssetFailure {
        if (def == null) {
            throw new IllegalStateException("write outside beginLayer/endLayer");
        }
        rows.write(feature);
    }

    @Override
    public void endLayer() throws AssetFailure {
        if (def == null) {
            throw new IllegalStateException("endLayer without beginLayer");
        }
        try {
            rows.close();
            double[] extent = rows.extent();
            writer.finishLayer(schema, srsId, extent[0] <= extent[1] ? extent : null);
        } catch (SQLException e) {
            throw io(e);
        }
        def = null;
    }

    @Override
    public void finish() throws AssetFailure {
        try {
            writer.commit();
            finished = true;
        } catch (SQLException e) {
            throw io(e);
        }
    }

    @Override
    public void close() {
        try {
            if (!finished) {
                writer.connection().rollback();
            }
            writer.close();
        } catch (SQLException ignored) {
            // abandoned or already committed: the caller deletes or publishes the file
        }
    }

    private AssetFailure io(Exception e) {
        String why = e instanceof SQLException s ? Sql.shortMessage(s) : e.toString();
        return AssetFailure.transientFailure(ErrorClass.IO, file + ": cannot write the GeoPackage (" + why + ")", e);
    }
}
