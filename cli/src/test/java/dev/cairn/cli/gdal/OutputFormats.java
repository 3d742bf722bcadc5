package dev.cairn.cli.gdal;

/** Every output format of cairn with what GDAL calls it: the rows the interoperability ITs loop over. */
final class OutputFormats {
    /** cairn's --format name, output file extension, GDAL driver. */
    static final String[][] ALL = {
        {"gpkg", ".gpkg", "GPKG"},
        {"shp", ".shp", "ESRI Shapefile"},
        {"geojson", ".geojson", "GeoJSON"},
        {"geojsonseq", ".geojsons", "GeoJSONSeq"},
        {"fgb", ".fgb", "FlatGeobuf"},
    };

    private OutputFormats() {
    }
}
