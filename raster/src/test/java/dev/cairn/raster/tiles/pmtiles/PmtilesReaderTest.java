package dev.cairn.raster.tiles.pmtiles;

import static dev.cairn.raster.tiles.pmtiles.MbtilesFixture.named;
import static dev.cairn.raster.tiles.pmtiles.MbtilesFixture.rasterMetadata;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.onthegomap.planetiler.archive.TileArchiveMetadata;
import com.onthegomap.planetiler.archive.TileCompression;
import com.onthegomap.planetiler.archive.TileEncodingResult;
import com.onthegomap.planetiler.geo.TileCoord;
import com.onthegomap.planetiler.pmtiles.WriteablePmtiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.locationtech.jts.geom.CoordinateXY;
import org.locationtech.jts.geom.Envelope;

class PmtilesReaderTest {

    @TempDir
    Path dir;

    @Test
    void anArchiveWrittenByPlanetilerReadsBackTileForTile() throws Exception {
        Path file = dir.resolve("planetiler.pmtiles");
        List<long[]> written = new ArrayList<>();
        try (WriteablePmtiles archive = WriteablePmtiles.newWriteToFile(file)) {
            TileArchiveMetadata metadata = new TileArchiveMetadata("name", "description", "attribution", "1.0", "overlay",
                    "png", new Envelope(-10, 30, -20, 40), new CoordinateXY(10, 10), 2.0, 0, 4, null,
                    Map.of("encoding", "terrarium"), TileCompression.NONE);
            archive.initialize(metadata);
            try (var writer = archive.newTileWriter()) {
                // planetiler writes in Hilbert (tile id) order
                for (long id = 0; id < TileId.firstIdOfZoom(5); id++) {
                    long[] zxy = TileId.zxy(id);
                    byte[] data = zxy[0] == 4 && zxy[1] > 7 ? "east".getBytes(StandardCharsets.US_ASCII)
                            : named((int) zxy[0], zxy[1], zxy[2]);
                    writer.write(new TileEncodingResult(TileCoord.ofXYZ((int) zxy[1], (int) zxy[2], (int) zxy[0]), data,
                            OptionalLong.of(Arrays.hashCode(data))));
                    written.add(zxy);
                }
            }
            archive.finish(metadata);
        }

        try (PmtilesReader reader = PmtilesReader.open(file)) {
            Header h = reader.header();
            assertThat(h.addressedTiles()).isEqualTo(341);
            assertThat(h.tileContents()).isEqualTo(341 - 128 + 1);
            assertThat(h.tileType()).isEqualTo(Header.TILE_TYPE_UNKNOWN); // what planetiler 0.7.0 writes for png
            assertThat(List.of(h.minZoom(), h.maxZoom(), h.centerZoom())).containsExactly(0, 4, 2);
            assertThat(h.bounds()).containsExactly(-10, -20, 30, 40);
            assertThat(reader.metadataJson()).contains("\"encoding\":\"terrarium\"");
            for (long[] t : written) {
                byte[] expected = t[0] == 4 && t[1] > 7 ? "east".getBytes(StandardCharsets.US_ASCII)
                        : named((int) t[0], t[1], t[2]);
                assertThat(reader.tile((int) t[0], t[1], t[2])).as("%s", Arrays.toString(t)).hasValue(expected);
            }
            List<long[]> visited = new ArrayList<>();
            reader.forEach((z, x, y, data) -> visited.add(new long[] {z, x, y}));
            assertThat(visited).containsExactlyElementsOf(written);
            assertThat(reader.tile(5, 0, 0)).isEmpty();
        }
    }

    @Test
    void aTruncatedArchiveIsRejectedNamingTheFile() throws Exception {
        Path mbtiles = dir.resolve("t.mbtiles");
        try (MbtilesFixture f = MbtilesFixture.plain(mbtiles)) {
            f.metadata(rasterMetadata("png")).tile(0, 0, 0, null, named(0, 0, 0)).tile(1, 0, 0, null, named(1, 0, 0));
        }
        Path whole = dir.resolve("whole.pmtiles");
        PmtilesWriter.fromMbtiles(mbtiles, whole);
        byte[] bytes = Files.readAllBytes(whole);
        Path cut = dir.resolve("cut.pmtiles");
        Files.write(cut, Arrays.copyOf(bytes, bytes.length - 1));
        Path headerOnly = dir.resolve("header-only.pmtiles");
        Files.write(headerOnly, Arrays.copyOf(bytes, 60));

        assertThatThrownBy(() -> PmtilesReader.open(cut)).isInstanceOf(MalformedPmtilesException.class)
                .hasMessageStartingWith(cut.toString())
                .hasMessageContaining("but the file is " + (bytes.length - 1) + " bytes long (truncated?)");
        assertThatThrownBy(() -> PmtilesReader.open(headerOnly)).isInstanceOf(MalformedPmtilesException.class)
                .hasMessageStartingWith(headerOnly.toString()).hasMessageContaining("60 bytes long");
    }

    @Test
    void aForeignFileOrAnotherVersionIsRejectedNamingTheFile() throws Exception {
        Path mbtiles = dir.resolve("foreign.mbtiles");
        try (MbtilesFixture f = MbtilesFixture.plain(mbtiles)) {
            f.metadata(rasterMetadata("png"));
        }
        Path empty = Files.createFile(dir.resolve("empty.pmtiles"));
        Path v2 = dir.resolve("v2.pmtiles");
        byte[] header = new byte[Header.LENGTH];
        System.arraycopy(Header.MAGIC, 0, header, 0, 7);
        header[7] = 2;
        Files.write(v2, header);

        assertThatThrownBy(() -> PmtilesReader.open(mbtiles)).isInstanceOf(MalformedPmtilesException.class)
                .hasMessageStartingWith(mbtiles.toString()).hasMessageContaining("magic number")
                .hasMessageContaining("53514c697465"); // "SQLite"
        assertThatThrownBy(() -> PmtilesReader.open(empty)).hasMessageStartingWith(empty.toString())
                .hasMessageContaining("the file is empty");
        assertThatThrownBy(() -> PmtilesReader.open(v2)).hasMessageStartingWith(v2.toString())
                .hasMessageContaining("version 2; only version 3");
    }

    @Test
    void aCorruptRootDirectoryIsRejectedNamingTheFile() throws Exception {
        Path mbtiles = dir.resolve("r.mbtiles");
        try (MbtilesFixture f = MbtilesFixture.plain(mbtiles)) {
            f.metadata(rasterMetadata("png")).tile(0, 0, 0, null, named(0, 0, 0));
        }
        Path file = dir.resolve("r.pmtiles");
        PmtilesWriter.fromMbtiles(mbtiles, file);
        byte[] bytes = Files.readAllBytes(file);
        Arrays.fill(bytes, Header.LENGTH, Header.LENGTH + 4, (byte) 0x55); // over the gzip magic of the root
        Files.write(file, bytes);

        assertThatThrownBy(() -> PmtilesReader.open(file)).isInstanceOf(MalformedPmtilesException.class)
                .hasMessageStartingWith(file.toString()).hasMessageContaining("root directory");
    }
}
