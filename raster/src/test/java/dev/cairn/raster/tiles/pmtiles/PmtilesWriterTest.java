package dev.cairn.raster.tiles.pmtiles;

import static dev.cairn.raster.tiles.pmtiles.MbtilesFixture.named;
import static dev.cairn.raster.tiles.pmtiles.MbtilesFixture.rasterMetadata;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.onthegomap.planetiler.archive.Tile;
import com.onthegomap.planetiler.util.CloseableIterator;
import com.onthegomap.planetiler.pmtiles.Pmtiles;
import com.onthegomap.planetiler.pmtiles.ReadablePmtiles;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Archives written by {@link PmtilesWriter}, read back by planetiler's reader (the oracle) and ours. */
class PmtilesWriterTest {

    @TempDir
    Path dir;

    /** All tiles of zooms 0..maxZoom, each with its own name as content. */
    private Path namedPyramid(boolean deduplicated, int maxZoom, Map<String, String> metadata) throws SQLException {
        Path mbtiles = dir.resolve((deduplicated ? "dedup" : "plain") + maxZoom + ".mbtiles");
        try (MbtilesFixture f = deduplicated ? MbtilesFixture.deduplicated(mbtiles) : MbtilesFixture.plain(mbtiles)) {
            f.metadata(metadata);
            for (int z = 0; z <= maxZoom; z++) {
                for (long x = 0; x < 1L << z; x++) {
                    for (long y = 0; y < 1L << z; y++) {
                        f.tile(z, x, y, z + "-" + x + "-" + y, named(z, x, y));
                    }
                }
            }
        }
        return mbtiles;
    }

    @Test
    void aRootOnlyArchiveReadsBackByteIdenticalInPlanetiler() throws Exception {
        Path mbtiles = namedPyramid(true, 3, rasterMetadata("png"));
        Path out = dir.resolve("out.pmtiles");

        PmtilesWriter.Summary summary = PmtilesWriter.fromMbtiles(mbtiles, out);

        assertThat(summary).isEqualTo(new PmtilesWriter.Summary(85, 85, 85, Files.size(out)));
        try (ReadablePmtiles oracle = (ReadablePmtiles) ReadablePmtiles.newReadFromFile(out)) {
            Pmtiles.Header h = oracle.getHeader();
            assertThat(h.leafDirectoriesLength()).isZero();
            assertThat(h.rootDirOffset() + h.rootDirLength()).isLessThanOrEqualTo(16_384);
            assertThat(h.clustered()).isTrue();
            assertThat(h.internalCompression()).isEqualTo(Pmtiles.Compression.GZIP);
            assertThat(h.tileCompression()).isEqualTo(Pmtiles.Compression.NONE);
            // planetiler 0.7.0 knows only the MVT tile type: the byte itself is checked
            assertThat(Files.readAllBytes(out)[99]).isEqualTo((byte) Header.TILE_TYPE_PNG);
            assertThat(h.numAddressedTiles()).isEqualTo(85);
            assertThat(h.numTileEntries()).isEqualTo(85);
            assertThat(h.numTileContents()).isEqualTo(85);
            for (int z = 0; z <= 3; z++) {
                for (int x = 0; x < 1 << z; x++) {
                    for (int y = 0; y < 1 << z; y++) {
                        assertThat(oracle.getTile(x, y, z)).as("%d/%d/%d", z, x, y).isEqualTo(named(z, x, y));
                    }
                }
            }
            assertThat(oracle.getTile(0, 0, 4)).isNull();
        }
    }

    @Test
    void theHeaderAgreesWithPlanetilersParsingAndTheMbtilesMetadata() throws Exception {
        Map<String, String> metadata = rasterMetadata("webp");
        metadata.put("center", "5.5,40.25,2");
        Path out = dir.resolve("out.pmtiles");
        PmtilesWriter.fromMbtiles(namedPyramid(false, 3, metadata), out);

        try (ReadablePmtiles oracle = (ReadablePmtiles) ReadablePmtiles.newReadFromFile(out);
             PmtilesReader ours = PmtilesReader.open(out)) {
            Pmtiles.Header p = oracle.getHeader();
            Header h = ours.header();
            assertThat(List.of(h.specVersion(), h.rootDirectoryOffset(), h.rootDirectoryLength(), h.metadataOffset(),
                    h.metadataLength(), h.leafDirectoriesOffset(), h.leafDirectoriesLength(), h.tileDataOffset(),
                    h.tileDataLength(), h.addressedTiles(), h.tileEntries(), h.tileContents(), h.clustered(),
                    h.minZoom(), h.maxZoom(), h.minLonE7(), h.minLatE7(), h.maxLonE7(), h.maxLatE7(),
                    h.centerZoom(), h.centerLonE7(), h.centerLatE7()))
                    .containsExactly((int) p.specVersion(), p.rootDirOffset(), p.rootDirLength(), p.jsonMetadataOffset(),
                            p.jsonMetadataLength(), p.leafDirectoriesOffset(), p.leafDirectoriesLength(),
                            p.tileDataOffset(), p.tileDataLength(), p.numAddressedTiles(), p.numTileEntries(),
                            p.numTileContents(), p.clustered(), (int) p.minZoom(), (int) p.maxZoom(), p.minLonE7(),
                            p.minLatE7(), p.maxLonE7(), p.maxLatE7(), (int) p.centerZoom(), p.centerLonE7(),
                            p.centerLatE7());
            assertThat(h.tileType()).isEqualTo(Header.TILE_TYPE_WEBP).isEqualTo(Files.readAllBytes(out)[99]);
            assertThat(List.of(h.minLonE7(), h.minLatE7(), h.maxLonE7(), h.maxLatE7()))
                    .containsExactly(-105_000_000, 202_500_000, 301_250_000, 600_625_000);
            assertThat(List.of(h.centerZoom(), h.centerLonE7(), h.centerLatE7())).containsExactly(2, 55_000_000, 402_500_000);
            assertThat(List.of(h.minZoom(), h.maxZoom())).containsExactly(0, 3);

            // planetiler reads every metadata row back (its map holds strings: the zooms come back as "0", "3")
            assertThat(oracle.getJsonMetadata().otherMetadata()).isEqualTo(metadata);
            JsonNode json = new ObjectMapper().readTree(ours.metadataJson());
            assertThat(json.get("minzoom").isInt()).isTrue();
            assertThat(json.get("maxzoom").asInt()).isEqualTo(3);
            assertThat(json.get("description").asText()).isEqualTo("line one\nline two ünïcode");
            assertThat(json.get("bounds").asText()).isEqualTo("-10.5,20.25,30.125,60.0625");
        }
    }

    @Test
    void withoutACenterTheMiddleOfTheBoundsAtMinZoomIsTheCenter() throws Exception {
        Map<String, String> metadata = rasterMetadata("jpg");
        metadata.put("minzoom", "1");
        Path mbtiles = dir.resolve("c.mbtiles");
        try (MbtilesFixture f = MbtilesFixture.plain(mbtiles)) {
            f.metadata(metadata).tile(1, 0, 0, null, named(1, 0, 0));
        }
        Path out = dir.resolve("c.pmtiles");
        PmtilesWriter.fromMbtiles(mbtiles, out);

        try (PmtilesReader ours = PmtilesReader.open(out)) {
            Header h = ours.header();
            assertThat(List.of(h.centerZoom(), h.centerLonE7(), h.centerLatE7())).containsExactly(1, 98_125_000, 401_562_500);
            assertThat(h.tileType()).isEqualTo(Header.TILE_TYPE_JPEG);
        }
    }

    @Test
    void aHundredThousandTinyTilesGoIntoLeafDirectoriesThatPlanetilerReads() throws Exception {
        Path mbtiles = dir.resolve("big.mbtiles");
        int count = 100_000;
        try (MbtilesFixture f = MbtilesFixture.plain(mbtiles)) {
            f.metadata(rasterMetadata("png"));
            // zoom 9 row by row: the ids jump around the Hilbert curve, so the entries are not contiguous runs
            for (int i = 0; i < count; i++) {
                long x = i % 512;
                long y = i / 512;
                f.tile(9, x, y, null, ByteBuffer.allocate(4).putInt(i).array());
            }
        }
        Path out = dir.resolve("big.pmtiles");

        PmtilesWriter.Summary summary = PmtilesWriter.fromMbtiles(mbtiles, out);

        assertThat(summary.addressedTiles()).isEqualTo(count);
        assertThat(summary.tileContents()).isEqualTo(count);
        try (ReadablePmtiles oracle = (ReadablePmtiles) ReadablePmtiles.newReadFromFile(out)) {
            Pmtiles.Header h = oracle.getHeader();
            assertThat(h.leafDirectoriesLength()).isPositive();
            assertThat(Header.LENGTH + h.rootDirLength()).isLessThanOrEqualTo(16_384);
            // every tile through planetiler's iterator, a sample through its point lookup (uncached: slow)
            long listed = 0;
            try (CloseableIterator<Tile> all = oracle.getAllTiles()) {
                while (all.hasNext()) {
                    Tile t = all.next();
                    assertThat(t.bytes()).isEqualTo(ByteBuffer.allocate(4).putInt(t.coord().y() * 512 + t.coord().x()).array());
                    listed++;
                }
            }
            assertThat(listed).isEqualTo(count);
            for (int i = 0; i < count; i += 97) {
                assertThat(oracle.getTile(i % 512, i / 512, 9)).isEqualTo(ByteBuffer.allocate(4).putInt(i).array());
            }
        }
        try (PmtilesReader ours = PmtilesReader.open(out)) {
            long[] seen = {0, -1};
            ours.forEach((z, x, y, data) -> {
                long id = TileId.of(z, x, y);
                assertThat(id).isGreaterThan(seen[1]);
                seen[1] = id;
                assertThat(ByteBuffer.wrap(data).getInt()).isEqualTo(y * 512 + x);
                seen[0]++;
            });
            assertThat(seen[0]).isEqualTo(count);
            assertThat(ours.tile(9, 159, 195)).hasValueSatisfying(d -> assertThat(ByteBuffer.wrap(d).getInt()).isEqualTo(count - 1));
            assertThat(ours.tile(9, 0, 511)).isEmpty();
        }
    }

    @Test
    void identicalTilesAreStoredOnceAndRunsOfThemAreOneEntry() throws Exception {
        // zooms 0..5 all "sea" but for one "land" tile per zoom ≥ 1: 1365 tiles, 2 contents
        Path mbtiles = dir.resolve("sea.mbtiles");
        byte[] sea = "sea".getBytes(StandardCharsets.US_ASCII);
        byte[] land = "land".getBytes(StandardCharsets.US_ASCII);
        try (MbtilesFixture f = MbtilesFixture.plain(mbtiles)) {
            f.metadata(rasterMetadata("png"));
            for (int z = 0; z <= 5; z++) {
                for (long x = 0; x < 1L << z; x++) {
                    for (long y = 0; y < 1L << z; y++) {
                        f.tile(z, x, y, null, z > 0 && x == 1 && y == 1 ? land : sea);
                    }
                }
            }
        }
        Path out = dir.resolve("sea.pmtiles");

        PmtilesWriter.Summary summary = PmtilesWriter.fromMbtiles(mbtiles, out);

        assertThat(summary.addressedTiles()).isEqualTo(1365);
        assertThat(summary.tileContents()).isEqualTo(2);
        // sea runs across zoom boundaries; each land tile splits it: 5 land entries between 6 sea runs
        assertThat(summary.tileEntries()).isEqualTo(11);
        try (ReadablePmtiles oracle = (ReadablePmtiles) ReadablePmtiles.newReadFromFile(out)) {
            assertThat(oracle.getHeader().tileDataLength()).isEqualTo(sea.length + land.length);
            for (int z = 0; z <= 5; z++) {
                for (int x = 0; x < 1 << z; x++) {
                    for (int y = 0; y < 1 << z; y++) {
                        assertThat(oracle.getTile(x, y, z)).isEqualTo(z > 0 && x == 1 && y == 1 ? land : sea);
                    }
                }
            }
        }
    }

    @Test
    void tilesSharingATileIdShareOneBlobInTheArchive() throws Exception {
        Path mbtiles = dir.resolve("shared.mbtiles");
        try (MbtilesFixture f = MbtilesFixture.deduplicated(mbtiles)) {
            f.metadata(rasterMetadata("png"));
            // far apart on the curve: 0/0/0, 3/7/7, and 2/0/3 share "a"; 1/1/0 has "b"
            f.tile(0, 0, 0, "a", named(0, 0, 0));
            f.tile(3, 7, 7, "a", named(0, 0, 0));
            f.tile(2, 0, 3, "a", named(0, 0, 0));
            f.tile(1, 1, 0, "b", named(1, 1, 0));
        }
        Path out = dir.resolve("shared.pmtiles");

        PmtilesWriter.Summary summary = PmtilesWriter.fromMbtiles(mbtiles, out);

        assertThat(summary).extracting(PmtilesWriter.Summary::addressedTiles, PmtilesWriter.Summary::tileEntries,
                PmtilesWriter.Summary::tileContents).containsExactly(4L, 4L, 2L);
        List<Directory.Entry> root;
        try (PmtilesReader ours = PmtilesReader.open(out)) {
            Header h = ours.header();
            byte[] stored = Files.readAllBytes(out);
            root = Directory.decode(java.util.Arrays.copyOfRange(stored, (int) h.rootDirectoryOffset(),
                    (int) (h.rootDirectoryOffset() + h.rootDirectoryLength())), h.internalCompression(), out, "root");
            assertThat(h.tileDataLength()).isEqualTo(named(0, 0, 0).length + named(1, 1, 0).length);
        }
        assertThat(root).extracting(Directory.Entry::tileId)
                .containsExactly(TileId.of(0, 0, 0), TileId.of(1, 1, 0), TileId.of(2, 0, 3), TileId.of(3, 7, 7));
        assertThat(root).extracting(Directory.Entry::offset).containsExactly(0L, 5L, 0L, 0L);
        try (ReadablePmtiles oracle = (ReadablePmtiles) ReadablePmtiles.newReadFromFile(out)) {
            assertThat(oracle.getTile(7, 7, 3)).isEqualTo(named(0, 0, 0));
            assertThat(oracle.getTile(1, 0, 1)).isEqualTo(named(1, 1, 0));
        }
    }

    @Test
    void mapAndImagesAndAPlainTilesTableGiveTheSameArchive() throws Exception {
        Path fromDedup = dir.resolve("a.pmtiles");
        Path fromPlain = dir.resolve("b.pmtiles");
        PmtilesWriter.fromMbtiles(namedPyramid(true, 4, rasterMetadata("png")), fromDedup);
        PmtilesWriter.fromMbtiles(namedPyramid(false, 4, rasterMetadata("png")), fromPlain);

        assertThat(Files.mismatch(fromDedup, fromPlain)).isEqualTo(-1);
    }

    @Test
    void anExistingOutputIsReplacedAndNoScratchFileIsLeft() throws Exception {
        Path mbtiles = namedPyramid(true, 2, rasterMetadata("png"));
        Path out = dir.resolve("out.pmtiles");
        Files.write(out, new byte[1 << 20]);

        PmtilesWriter.Summary summary = PmtilesWriter.fromMbtiles(mbtiles, out);

        assertThat(Files.size(out)).isEqualTo(summary.bytes()).isLessThan(1 << 20);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("dedup2.mbtiles", "out.pmtiles");
        }
        try (ReadablePmtiles oracle = (ReadablePmtiles) ReadablePmtiles.newReadFromFile(out)) {
            assertThat(oracle.getTile(3, 2, 2)).isEqualTo(named(2, 3, 2));
        }
    }

    @Test
    void anMbtilesWithoutFormatOrTilesIsRejectedNamingTheFile() throws Exception {
        Path noFormat = dir.resolve("noformat.mbtiles");
        Map<String, String> metadata = rasterMetadata("png");
        metadata.remove("format");
        try (MbtilesFixture f = MbtilesFixture.plain(noFormat)) {
            f.metadata(metadata).tile(0, 0, 0, null, named(0, 0, 0));
        }
        Path empty = dir.resolve("empty.mbtiles");
        try (MbtilesFixture f = MbtilesFixture.deduplicated(empty)) {
            f.metadata(rasterMetadata("png"));
        }
        Path out = dir.resolve("out.pmtiles");

        Files.writeString(out, "the previous archive");
        assertThatThrownBy(() -> PmtilesWriter.fromMbtiles(noFormat, out)).isInstanceOf(InvalidMbtilesException.class)
                .hasMessageContaining(noFormat.toString()).hasMessageContaining("'format'");
        assertThat(out).hasContent("the previous archive");
        assertThatThrownBy(() -> PmtilesWriter.fromMbtiles(empty, out)).isInstanceOf(InvalidMbtilesException.class)
                .hasMessageContaining(empty.toString()).hasMessageContaining("no tiles");
        assertThat(out).as("the partial output of the empty one").doesNotExist();
    }

    @Test
    void aTileStoredTwiceInAPlainTableIsRejected() throws Exception {
        Path twice = dir.resolve("twice.mbtiles");
        try (MbtilesFixture f = MbtilesFixture.plain(twice)) {
            f.metadata(rasterMetadata("png")).tile(1, 0, 0, null, named(1, 0, 0)).tile(1, 0, 0, null, named(1, 0, 0));
        }

        assertThatThrownBy(() -> PmtilesWriter.fromMbtiles(twice, dir.resolve("out.pmtiles")))
                .isInstanceOf(InvalidMbtilesException.class).hasMessageContaining("1/0/1 (z/x/tms row) twice");
    }
}
