package dev.cairn.cli.gdal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.cli.it.CliProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.locationtech.jts.geom.Point;

/**
 * cairn's {@code convert} against GDAL/PROJ as the oracle, end to end through the real CLI.
 *
 * <p><b>Inputs are written by GDAL itself</b> ({@code ogr2ogr -a_srs EPSG:n -preserve_fid} from
 * GeoJSON, see {@link GeoJsonFixture}), one GeoPackage per source CRS — EPSG:32632, 2056, 27700,
 * 2263 (US survey feet) and 3857, each around a point inside the CRS's area of use — plus a
 * two-layer GeoPackage (typed LINESTRING and POINT layers) and a one-point probe. Each input goes
 * through {@code cairn convert} and through {@code ogr2ogr -t_srs}; the two outputs are read with
 * plain JDBC + JTS ({@link GpkgSnapshot}) and compared feature by feature ({@link GpkgComparison}):
 * layers, fids, attribute values, geometry structure, x/y within 1e-7° (about 1 cm) for EPSG:4326 and
 * within 1 cm for the projected targets EPSG:3857 and EPSG:2056. Then GDAL must read cairn's outputs
 * without a complaint, see the same schema as in ogr2ogr's output, identify the target CRS, and
 * recognise the spatial index.
 *
 * <p><b>Datum shifts and grids.</b> The oracle is only valid if PROJ and cairn (Apache SIS, no grids)
 * choose the same transformation. With Debian 12's {@code proj-data} 9.1.1 they do, so the oracle
 * runs with the system's PROJ data as is (only {@code PROJ_NETWORK=OFF}, which is also PROJ's
 * default): {@code proj-data} ships no OSTN15 grid ({@code uk_os_OSTN15_NTv2_OSGBtoETRS.tif}) and no
 * NAD83 HARN/NADCON grid for New York ({@code us_noaa_nyhpgn.tif}); its only Swiss grids (CHENYX06)
 * belong to the old LV03 frame and are not candidates for CH1903+. So PROJ picks, as SIS does:
 * <ul>
 *   <li>27700: "OSGB36 to WGS 84 (6)", a 7-parameter Helmert, 2 m accuracy (the OSTN15 grid
 *       operation, the only better one, is skipped as "grid missing");</li>
 *   <li>2263: "NAD83 to WGS 84 (1)", the null transformation, 4 m accuracy (the grid operations
 *       (29), (31), (53) are skipped as "grid missing");</li>
 *   <li>2056: "CH1903+ to WGS 84 (1)", a 3-parameter translation, 1 m accuracy.</li>
 * </ul>
 * On a machine where PROJ does have those grids (a {@code ~/.local/share/proj} cache filled with
 * {@code PROJ_NETWORK=ON}, or another PROJ data package) ogr2ogr would apply them and the 27700 and
 * 2263 comparisons would fail by metres — that is a different oracle, not a cairn defect.
 *
 * <p><b>Z in a 2D CRS.</b> PROJ pipelines for these CRSs wrap the datum shift in
 * {@code push v_3 … pop v_3}: z comes back unchanged, but on the way it is used as an ellipsoidal
 * height in the geocentric step, so x/y depend on z. A 2D SIS operation shifts with h = 0: for a point
 * at z = 450.5 m that was measured as 1.26e-7° of longitude (about 9 mm) from EPSG:27700, 1.5 cm
 * (EPSG:3857 units) from EPSG:2056 to 3857 and 1.0 cm from EPSG:32632/3857 to 2056. cairn therefore
 * transforms geometries with Z through the same operation with ellipsoidal heights (CrsResolver), and
 * the fixture's 3D point sits at {@link GeoJsonFixture#Z} = 1850.5 m, where ignoring heights would be
 * ~5 cm off.
 *
 * <p>Skipped when GDAL's tools are not on PATH, unless {@code CAIRN_REQUIRE_GDAL=1}.
 */
class OgrCorrectnessIT {
    /** A GDAL-written input: relative path, source CRS, and the origin its coordinates are offsets from. */
    record Source(String path, int epsg, double x0, double y0) {
    }

    static final List<Source> SOURCES = List.of(
            new Source("utm32.gpkg", 32632, 500_000, 5_200_000),
            new Source("ch/lv95.gpkg", 2056, 2_600_000, 1_200_000),
            new Source("gb/bng.gpkg", 27700, 530_000, 180_000),
            new Source("us/long_island_ftus.gpkg", 2263, 980_000, 200_000),
            new Source("webmerc.gpkg", 3857, 950_000, 6_000_000));
    static final String TWO_LAYERS = "gb/two_layers.gpkg";
    static final String PROBE = "ch/probe.gpkg";
    /** Inputs of the runs to projected targets. */
    static final List<String> PROJECTED_INPUTS = List.of("utm32.gpkg", "webmerc.gpkg", "ch/lv95.gpkg");

    static final double PROBE_LON = 8.5;
    static final double PROBE_LAT = 47.3;
    static final double DEGREE_TOLERANCE = 1e-7;
    static final double METRE_TOLERANCE = 0.01;

    @TempDir
    static Path tmp;
    static Path in;
    static Path inProjected;
    static List<String> allInputs;

    @BeforeAll
    static void convertWithCairnAndWithOgr2ogr() throws Exception {
        GdalCommand.assumeInstalled();
        in = tmp.resolve("in");
        inProjected = tmp.resolve("in-projected");
        writeInputs();
        allInputs = new ArrayList<>(SOURCES.stream().map(Source::path).toList());
        allInputs.add(TWO_LAYERS);
        allInputs.add(PROBE);

        // The three cairn runs go in parallel with the reference ogr2ogr runs.
        Path logs = tmp.resolve("logs");
        CliProcess to4326 = CliProcess.start(logs, "convert", in.toString(), "-o", out(4326).toString(),
                "--to", "EPSG:4326", "--json");
        CliProcess to3857 = CliProcess.start(logs, "convert", inProjected.toString(), "-o", out(3857).toString(),
                "--to", "EPSG:3857", "--json");
        CliProcess to2056 = CliProcess.start(logs, "convert", inProjected.toString(), "-o", out(2056).toString(),
                "--to", "EPSG:2056", "--json");
        for (String p : allInputs) {
            GdalCommand.ogr2ogr(ref(4326).resolve(p), in.resolve(p), "-t_srs", "EPSG:4326");
        }
        for (String p : PROJECTED_INPUTS) {
            GdalCommand.ogr2ogr(ref(3857).resolve(p), inProjected.resolve(p), "-t_srs", "EPSG:3857");
            GdalCommand.ogr2ogr(ref(2056).resolve(p), inProjected.resolve(p), "-t_srs", "EPSG:2056");
        }
        for (CliProcess run : List.of(to4326, to3857, to2056)) {
            CliProcess.Result r = run.await(Duration.ofSeconds(90));
            assertThat(r.exitCode()).as("cairn convert exit code; stdout:\n%s\nstderr:\n%s", r.stdout(), r.stderr())
                    .isZero();
        }
    }

    @Test
    void everyFeatureMatchesOgr2ogrInWgs84() throws Exception {
        // The oracle's input is what the fixture meant: GDAL kept the sparse fids, including 2^32 + 7.
        for (Source s : SOURCES) {
            assertThat(GpkgSnapshot.read(in.resolve(s.path())).layers().get("places").features().keySet())
                    .as("fids of the GDAL-written input %s", s.path())
                    .containsExactly(java.util.Arrays.stream(GeoJsonFixture.MIXED_FIDS).boxed().toArray(Long[]::new));
        }
        assertOutputTree(4326, allInputs);
        assertSameAsOgr2ogr(4326, allInputs, DEGREE_TOLERANCE);
    }

    @Test
    void everyFeatureMatchesOgr2ogrInWebMercatorAndLv95() throws Exception {
        assertOutputTree(3857, PROJECTED_INPUTS);
        assertOutputTree(2056, PROJECTED_INPUTS);
        List<String> problems = new ArrayList<>();
        problems.addAll(compare(3857, PROJECTED_INPUTS, METRE_TOLERANCE));
        problems.addAll(compare(2056, PROJECTED_INPUTS, METRE_TOLERANCE));
        assertThat(problems).as("differences from ogr2ogr -t_srs EPSG:3857 / EPSG:2056").isEmpty();
    }

    @Test
    void gdalReadsOutputsWithoutComplaintSeesTargetCrsAndSameSchema() throws Exception {
        List<String> problems = new ArrayList<>();
        problems.addAll(ogrinfoProblems(4326, allInputs, 1e-5));
        problems.addAll(ogrinfoProblems(3857, PROJECTED_INPUTS, 1.0));
        problems.addAll(ogrinfoProblems(2056, PROJECTED_INPUTS, 1.0));
        assertThat(problems).as("how GDAL sees cairn's outputs, compared with ogr2ogr's").isEmpty();
    }

    @Test
    void gdalRecognisesTheSpatialIndexOfEveryLayer() throws Exception {
        List<String> problems = new ArrayList<>();
        for (String p : allInputs) {
            Path file = out(4326).resolve(p);
            for (var layer : GpkgSnapshot.read(file).layers().values()) {
                // GDAL's own SQL function: 1 only if GDAL will use the R-tree for spatial filters.
                String sql = "SELECT HasSpatialIndex('" + layer.table() + "','" + layer.geomColumn() + "')";
                String said = GdalCommand.run("ogrinfo", "-q", file.toString(), "-sql", sql);
                if (!said.lines().anyMatch(l -> l.matches("\\s*HasSpatialIndex.*\\(Integer\\) = 1\\s*"))) {
                    problems.add(p + "#" + layer.table() + ": GDAL's HasSpatialIndex is not 1:\n" + said.strip());
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void pointGivenInLv95ComesBackAsLongitudeLatitude() throws Exception {
        GpkgSnapshot.Feature probe = GpkgSnapshot.read(out(4326).resolve(PROBE)).layers().get("probe").features().get(1L);
        assertThat(probe).as("feature fid 1 of %s", PROBE).isNotNull();
        Point p = (Point) probe.geometry();
        assertThat(p.getX()).as("x must be the longitude").isCloseTo(PROBE_LON, org.assertj.core.api.Assertions.within(DEGREE_TOLERANCE));
        assertThat(p.getY()).as("y must be the latitude").isCloseTo(PROBE_LAT, org.assertj.core.api.Assertions.within(DEGREE_TOLERANCE));
    }

    // ---------------------------------------------------------------------------------------------

    private static void writeInputs() throws Exception {
        Path json = tmp.resolve("json");
        Files.createDirectories(json);
        for (Source s : SOURCES) {
            Path src = json.resolve(s.epsg() + ".geojson");
            Files.writeString(src, GeoJsonFixture.mixed(s.x0(), s.y0()), StandardCharsets.UTF_8);
            GdalCommand.ogr2ogr(in.resolve(s.path()), src, "-a_srs", "EPSG:" + s.epsg(), "-preserve_fid", "-nln", "places");
        }
        Path roads = json.resolve("roads.geojson");
        Path poi = json.resolve("poi.geojson");
        Files.writeString(roads, GeoJsonFixture.roads(531_000, 181_000), StandardCharsets.UTF_8);
        Files.writeString(poi, GeoJsonFixture.poi(531_000, 181_000), StandardCharsets.UTF_8);
        GdalCommand.ogr2ogr(in.resolve(TWO_LAYERS), roads, "-a_srs", "EPSG:27700", "-preserve_fid", "-nln", "roads");
        GdalCommand.ogr2ogr(in.resolve(TWO_LAYERS), poi, "-update", "-a_srs", "EPSG:27700", "-preserve_fid", "-nln", "poi");

        // cs2cs takes EPSG:4326 in the authority's order: latitude first.
        double[] en = GdalCommand.cs2cs("EPSG:4326", "EPSG:2056", PROBE_LAT, PROBE_LON);
        Path probe = json.resolve("probe.geojson");
        Files.writeString(probe, GeoJsonFixture.point(en[0], en[1]), StandardCharsets.UTF_8);
        GdalCommand.ogr2ogr(in.resolve(PROBE), probe, "-a_srs", "EPSG:2056", "-preserve_fid", "-nln", "probe");

        for (String p : PROJECTED_INPUTS) {
            Files.createDirectories(inProjected.resolve(p).getParent());
            Files.copy(in.resolve(p), inProjected.resolve(p));
        }
    }

    static Path out(int epsg) {
        return tmp.resolve("out-" + epsg);
    }

    static Path ref(int epsg) {
        return tmp.resolve("ref-" + epsg);
    }

    /** OUTDIR mirrors the input tree: exactly the expected GeoPackages, at the same relative paths. */
    private static void assertOutputTree(int epsg, List<String> expected) throws IOException {
        Set<String> found;
        try (Stream<Path> files = Files.walk(out(epsg))) {
            found = files.filter(f -> f.toString().endsWith(".gpkg"))
                    .map(f -> out(epsg).relativize(f).toString())
                    .filter(f -> !f.startsWith(".cairn"))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
        assertThat(found).as("GeoPackages under OUTDIR (--to EPSG:%d)", epsg).containsExactlyInAnyOrderElementsOf(expected);
    }

    private static void assertSameAsOgr2ogr(int epsg, List<String> inputs, double tolXy) throws Exception {
        assertThat(compare(epsg, inputs, tolXy)).as("differences from ogr2ogr -t_srs EPSG:%d", epsg).isEmpty();
    }

    private static List<String> compare(int epsg, List<String> inputs, double tolXy) throws Exception {
        List<String> problems = new ArrayList<>();
        for (String p : inputs) {
            Path actual = out(epsg).resolve(p);
            if (!Files.isRegularFile(actual)) {
                problems.add(actual.getFileName() + ": cairn wrote no output for " + p);
                continue;
            }
            GpkgComparison cmp = GpkgComparison.compare(GpkgSnapshot.read(ref(epsg).resolve(p)),
                    GpkgSnapshot.read(actual), epsg, tolXy, METRE_TOLERANCE);
            cmp.deviations().forEach(d -> System.out.println("EPSG:" + epsg + " " + p + " " + d));
            cmp.problems().forEach(x -> problems.add("EPSG:" + epsg + " " + p + ": " + x));
        }
        return problems;
    }

    private static List<String> ogrinfoProblems(int epsg, List<String> inputs, double extentTolerance) throws Exception {
        List<String> problems = new ArrayList<>();
        for (String p : inputs) {
            String where = "--to EPSG:" + epsg + " " + p;
            Path actual = out(epsg).resolve(p);
            if (!Files.isRegularFile(actual)) {
                problems.add(where + ": no output");
                continue;
            }
            // A full read decodes every geometry blob: GDAL reports bad blobs and R-tree trouble here.
            String full = GdalCommand.run("ogrinfo", "-al", actual.toString());
            String summary = GdalCommand.run("ogrinfo", "-so", "-al", actual.toString());
            OgrInfoSummary.complaints(full + summary).forEach(l -> problems.add(where + ": ogrinfo says " + l));
            OgrInfoSummary got = OgrInfoSummary.parse(summary);
            OgrInfoSummary want = OgrInfoSummary.parse(GdalCommand.run("ogrinfo", "-so", "-al", ref(epsg).resolve(p).toString()));
            if (!got.layers().keySet().equals(want.layers().keySet())) {
                problems.add(where + ": GDAL sees layers " + got.layers().keySet() + ", in ogr2ogr's output " + want.layers().keySet());
            }
            for (var w : want.layers().values()) {
                OgrInfoSummary.Layer g = got.layers().get(w.name());
                if (g == null) {
                    continue;
                }
                if (!g.facts().equals(w.facts())) {
                    problems.add(where + "#" + w.name() + ": ogrinfo -so differs from ogr2ogr's output:\n  cairn:   "
                            + g.facts() + "\n  ogr2ogr: " + w.facts());
                }
                if (!("EPSG:" + epsg).equals(g.srsAuthorityCode())) {
                    problems.add(where + "#" + w.name() + ": GDAL does not identify the layer CRS as EPSG:" + epsg
                            + " (top-level ID " + g.srsAuthorityCode() + "); GDAL's WKT:\n" + g.srsWkt());
                }
                if (g.extent() == null || w.extent() == null) {
                    problems.add(where + "#" + w.name() + ": no extent reported");
                } else {
                    for (int i = 0; i < 4; i++) {
                        if (Math.abs(g.extent()[i] - w.extent()[i]) > extentTolerance) {
                            problems.add(String.format(Locale.ROOT, "%s#%s: extent %s, ogr2ogr's %s", where, w.name(),
                                    java.util.Arrays.toString(g.extent()), java.util.Arrays.toString(w.extent())));
                            break;
                        }
                    }
                }
            }
        }
        return problems;
    }
}
