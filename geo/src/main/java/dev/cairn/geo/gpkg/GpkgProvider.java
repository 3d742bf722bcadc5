package dev.cairn.geo.gpkg;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import dev.cairn.engine.AssetFailure;
import dev.cairn.geo.format.FeatureSink;
import dev.cairn.geo.format.FormatProvider;

/**
 * OGC GeoPackage, read with {@link GpkgFeatureSource} and written with {@link GpkgFeatureSink}.
 * Several layers per file. For gpkg → gpkg, {@link GpkgConverter} copies rows without decoding
 * attributes and keeps every column exactly; this provider is the generic path from and to the
 * other formats.
 *
 * <p><b>Probe</b>: the SQLite header, then either application_id 'GPKG' (GeoPackage 1.2+; 'GP10'
 * and 'GP11' for 1.0/1.1) at offset 68, or — for SQLite files stamped otherwise — the GeoPackage
 * tables, checked by opening the file read-only.
 */
public final class GpkgProvider implements FormatProvider {
    private static final byte[] SQLITE_MAGIC = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);
    private static final int[] APPLICATION_IDS = {GpkgWriter.APPLICATION_ID, 0x47503130, 0x47503131};

    @Override
    public String name() {
        return "gpkg";
    }

    @Override
    public String title() {
        return "GeoPackage";
    }

    @Override
    public List<String> extensions() {
        return List.of(".gpkg");
    }

    @Override
    public boolean multiLayer() {
        return true;
    }

    @Override
    public boolean probe(Path file, byte[] head) {
        if (head == null || head.length < 100 || !Arrays.equals(head, 0, SQLITE_MAGIC.length, SQLITE_MAGIC, 0,
                SQLITE_MAGIC.length)) {
            return false;
        }
        int applicationId = ByteBuffer.wrap(head).getInt(68); // big endian, as SQLite stores it
        for (int id : APPLICATION_IDS) {
            if (id == applicationId) {
                return true;
            }
        }
        try (GpkgReader reader = GpkgReader.open(file)) {
            return true;
        } catch (AssetFailure e) {
            return false;
        }
    }

    /** Also reads layers by fid range ({@link FidRangeSource}), as fid chunks are cut. */
    @Override
    public FidRangeSource open(Path file) throws AssetFailure {
        return GpkgFeatureSource.open(file);
    }

    @Override
    public FeatureSink create(Path file) throws AssetFailure {
        return new GpkgFeatureSink(file);
    }

    /** A {@code count(*)} of every feature table ({@link GpkgFeatureCounter}). */
    @Override
    public long estimateFeatures(Path file) {
        return GpkgFeatureCounter.countFeatures(file);
    }

    /** The chunks' staging file is a GeoPackage: finalised, it is the output, published by a rename. */
    @Override
    public boolean isStagingFormat() {
        return true;
    }
}
