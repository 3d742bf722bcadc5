package dev.cairn.geo.crs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.opengis.referencing.operation.MathTransform;

class CrsResolverTest {

    static double[] transform(String from, String to, double x, double y) throws Exception {
        MathTransform mt = CrsResolver.operation(CrsResolver.forCode(from), CrsResolver.forCode(to))
                .transform();
        double[] p = {x, y};
        mt.transform(p, 0, p, 0, 1);
        return p;
    }

    @Test
    void wgs84IsLongitudeFirstAfterNormalisation() throws Exception {
        // (8.5, 47.3) = Zürich only if x is the longitude; swapped it would land in Somalia's sea.
        double[] lv95 = transform("EPSG:4326", "EPSG:2056", 8.5, 47.3);
        assertThat(lv95[0]).isCloseTo(2_680_270.551, offset(0.01));
        assertThat(lv95[1]).isCloseTo(1_239_333.170, offset(0.01));
        double[] utm = transform("EPSG:4326", "EPSG:32632", 8.5, 47.3);
        assertThat(utm[0]).isCloseTo(462_200.545, offset(0.01));
        assertThat(utm[1]).isCloseTo(5_238_624.111, offset(0.01));
        double[] back = transform("EPSG:2056", "EPSG:4326", lv95[0], lv95[1]);
        assertThat(back[0]).isCloseTo(8.5, offset(1e-7)); // the inverse Helmert round trip is good to ~1 mm
        assertThat(back[1]).isCloseTo(47.3, offset(1e-7));
    }

    @Test
    void codesAreCaseInsensitiveAndCanonicalised() throws Exception {
        assertThat(CrsResolver.canonicalCode(" epsg:32632 ")).isEqualTo("EPSG:32632");
        assertThat(CrsResolver.forCode("epsg:4326")).isSameAs(CrsResolver.forCode("EPSG:4326"));
    }

    @Test
    void unknownCodeIsACrsExceptionWithAUsableMessage() {
        assertThatThrownBy(() -> CrsResolver.forCode("EPSG:999999")).isInstanceOf(CrsException.class)
                .hasMessage("Unknown CRS code 'EPSG:999999': not in the EPSG dataset. Use a code like EPSG:4326.");
        assertThatThrownBy(() -> CrsResolver.forCode("4326")).isInstanceOf(CrsException.class)
                .hasMessageContaining("write EPSG:4326");
        assertThatThrownBy(() -> CrsResolver.forCode("WGS84")).isInstanceOf(CrsException.class)
                .hasMessageContaining("only EPSG codes");
    }

    @Test
    void operationReportsItsAccuracy() throws Exception {
        var exact = CrsResolver.operation(CrsResolver.forCode("EPSG:4326"), CrsResolver.forCode("EPSG:3857"));
        assertThat(exact.linearAccuracy()).isZero();
        var helmert = CrsResolver.operation(CrsResolver.forCode("EPSG:4326"), CrsResolver.forCode("EPSG:2056"));
        assertThat(helmert.linearAccuracy()).isGreaterThan(0.5);
        assertThat(helmert.describe()).contains("CH1903+").contains("±");
    }

    @Test
    void wkt1CarriesTheEpsgAuthority() throws Exception {
        assertThat(CrsResolver.wkt1("EPSG:2056")).startsWith("PROJCS[\"CH1903+ / LV95\"")
                .endsWith("AUTHORITY[\"EPSG\", \"2056\"]]").doesNotContain("\n");
        assertThat(CrsResolver.fromWkt(CrsResolver.wkt1("EPSG:4326")).getCoordinateSystem().getAxis(0).getDirection().name())
                .isEqualToIgnoringCase("EAST");
    }

    /**
     * Agreement with PROJ's cs2cs within 1 cm, points inside each CRS's area of use. cs2cs runs
     * with PROJ_NETWORK=OFF and a PROJ_DATA holding only proj.db, so no datum grid is used: SIS
     * has no grids either and uses the Helmert operations (27700 and 2263 are then accurate to
     * 2-4 m, which is what {@link CrsResolver.Operation#linearAccuracy()} reports). On this
     * machine's Debian PROJ 9.1 the grid-less and default runs agreed, but a PROJ with OSTN15 or
     * NADCON grids installed would differ by metres.
     */
    @ParameterizedTest
    @CsvSource({
        "EPSG:32632, 8.5, 47.3", "EPSG:2056, 8.5, 47.3", "EPSG:27700, -0.1, 51.5",
        "EPSG:2263, -74.0, 40.7", "EPSG:3857, 8.5, 47.3"})
    void agreesWithCs2csWithinOneCentimetre(String code, double lon, double lat, @TempDir Path dir) throws Exception {
        Map<String, String> env = projWithoutGrids(dir);
        double[] ours = transform("EPSG:4326", code, lon, lat);
        // cs2cs takes EPSG:4326 in its authority order: latitude first.
        double[] proj = cs2cs(env, "EPSG:4326", code, lat + " " + lon);
        assertThat(ours[0]).isCloseTo(proj[0], offset(0.01));
        assertThat(ours[1]).isCloseTo(proj[1], offset(0.01));
        double[] back = transform(code, "EPSG:4326", ours[0], ours[1]);
        double[] projBack = cs2cs(env, code, "EPSG:4326", ours[0] + " " + ours[1]);
        assertThat(back[0]).isCloseTo(projBack[1], offset(1e-7)); // ~1 cm in degrees
        assertThat(back[1]).isCloseTo(projBack[0], offset(1e-7));
    }

    private static Map<String, String> projWithoutGrids(Path dir) throws IOException {
        requireCs2cs();
        Map<String, String> env = new HashMap<>();
        env.put("PROJ_NETWORK", "OFF");
        for (String candidate : new String[] {System.getenv("PROJ_DATA"), System.getenv("PROJ_LIB"), "/usr/share/proj",
            "/usr/local/share/proj"}) {
            if (candidate != null && Files.isRegularFile(Path.of(candidate, "proj.db"))) {
                Files.copy(Path.of(candidate, "proj.db"), dir.resolve("proj.db"));
                env.put("PROJ_DATA", dir.toString());
                env.put("PROJ_LIB", dir.toString());
                break;
            }
        }
        return env;
    }

    private static void requireCs2cs() {
        boolean found = false;
        try {
            found = run(Map.of(), "", "cs2cs").contains("usage");
        } catch (IOException e) {
            found = false;
        }
        if (!found && "1".equals(System.getenv("CAIRN_REQUIRE_GDAL"))) {
            throw new AssertionError("CAIRN_REQUIRE_GDAL=1 but cs2cs is not on the PATH");
        }
        assumeTrue(found, "PROJ cs2cs not installed");
    }

    private static double[] cs2cs(Map<String, String> env, String from, String to, String input) throws IOException {
        String out = run(env, input + "\n", "cs2cs", "-f", "%.9f", from, to).trim();
        String[] parts = out.split("\\s+");
        return new double[] {Double.parseDouble(parts[0]), Double.parseDouble(parts[1])};
    }

    private static String run(Map<String, String> env, String stdin, String... command) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(List.of(command)).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    /**
     * NAD27 to WGS 84 has a transformation per region (EPSG:1172 Canada, 1173 conterminous US,
     * 8-10 m apart): with the data's extent the one for North Carolina is chosen, the one PROJ
     * (ogr2ogr) uses; the value is ogr2ogr's for this vertex of a North Carolina county.
     */
    @Test
    void theDataAreaChoosesAmongRegionalDatumShifts() throws Exception {
        var nad27 = CrsResolver.forCode("EPSG:4267");
        var wgs84 = CrsResolver.forCode("EPSG:4326");
        double[] carolina = {-84.32, 33.88, -75.46, 36.59};
        var op = CrsResolver.operation(nad27, wgs84, carolina);
        double[] p = {-81.47275543, 36.23435593};
        op.transform().transform(p, 0, p, 0, 1);
        assertThat(p[0]).isCloseTo(-81.4725795258847, org.assertj.core.data.Offset.offset(1e-7));
        assertThat(p[1]).isCloseTo(36.234442085901, org.assertj.core.data.Offset.offset(1e-7));
    }
}
