package dev.cairn.raster.cog;

/** The tile compressions the COG writer produces, with their TIFF {@code Compression} (259) codes. */
public enum Compression {
    NONE(1),
    LZW(5),
    /** zlib-wrapped DEFLATE (TIFF "Adobe Deflate", what GDAL writes for COMPRESS=DEFLATE). */
    DEFLATE(8),
    ZSTD(50000);

    private final int tiffCode;

    Compression(int tiffCode) {
        this.tiffCode = tiffCode;
    }

    /** The value of TIFF tag 259. */
    public int tiffCode() {
        return tiffCode;
    }
}
