package dev.cairn.raster.tiff;

import dev.cairn.geo.crs.CrsException;
import dev.cairn.geo.crs.CrsResolver;
import dev.cairn.raster.GeoKeyDirectory;
import org.apache.sis.referencing.CRS;
import org.opengis.referencing.crs.CoordinateReferenceSystem;
import org.opengis.referencing.datum.DatumAuthorityFactory;
import org.opengis.referencing.datum.Ellipsoid;
import org.opengis.util.FactoryException;

/**
 * GeoKeys → CRS, the way GDAL's {@code gt_wkt_srs.cpp} (with libgeotiff's {@code geo_normalize.c})
 * reads them.
 *
 * <ul>
 * <li>ProjectedCRSGeoKey (3072) or GeodeticCRSGeoKey (2048) holding an EPSG code: the EPSG CRS.</li>
 * <li>ProjectedCRSGeoKey = 32767 (user-defined): a WKT 1 {@code PROJCS} built from
 *     ProjMethodGeoKey (3075) and its parameters, or from ProjectionGeoKey (3074) when it names a
 *     UTM zone (16001–16060 north, 16101–16160 south). Methods: Transverse Mercator (1), Mercator
 *     (7), Lambert Conformal Conic 2SP (8) and 1SP (9), Lambert Azimuthal Equal Area (10), Albers
 *     (11), Polar Stereographic (15), Oblique Stereographic (16), Equirectangular (17).</li>
 * <li>Geographic with GeodeticCRSGeoKey = 32767: a {@code GEOGCS} from the datum key (EPSG datum
 *     6xxx → its geographic CRS 4xxx, as libgeotiff does) or the ellipsoid (EPSG code, or
 *     SemiMajorAxis with InvFlattening or SemiMinorAxis) and prime meridian.</li>
 * </ul>
 *
 * <p><b>Traps, where they bite.</b> Linear parameters (false easting/northing) are in the
 * ProjLinearUnits (3076): US survey feet for most State Plane CRSs (9003, 1200/3937 m), not
 * international feet (9002, 0.3048 m) — a 2 ppm difference, 2 m at 1000 km. Angular parameters are
 * in GeogAngularUnits (degrees unless 2054 says otherwise). Polar Stereographic follows GDAL's
 * rule: a scale of 1 with a latitude other than ±90° is variant B (the latitude is the standard
 * parallel), otherwise variant A. LCC 2SP and Albers take the false-origin keys, falling back to the
 * natural-origin keys (writers disagree). The returned CRS has x = east/longitude axes
 * ({@link CrsResolver#fromWkt}).
 */
final class GeoKeyCrs {
    // GeoKey ids (OGC GeoTIFF 1.1)
    static final int GEODETIC_DATUM = 2050, PRIME_MERIDIAN = 2051, ANGULAR_UNITS = 2054, ELLIPSOID = 2056,
            SEMI_MAJOR = 2057, SEMI_MINOR = 2058, INV_FLATTENING = 2059, PM_LONG = 2061, PROJECTION = 3074,
            PROJ_METHOD = 3075, LINEAR_UNITS = 3076, LINEAR_UNIT_SIZE = 3077, STD_PARALLEL1 = 3078,
            STD_PARALLEL2 = 3079, NAT_ORIGIN_LONG = 3080, NAT_ORIGIN_LAT = 3081, FALSE_EASTING = 3082,
            FALSE_NORTHING = 3083, FALSE_ORIGIN_LONG = 3084, FALSE_ORIGIN_LAT = 3085, FALSE_ORIGIN_EASTING = 3086,
            FALSE_ORIGIN_NORTHING = 3087, CENTER_LONG = 3088, CENTER_LAT = 3089, CENTER_EASTING = 3090,
            CENTER_NORTHING = 3091, SCALE_AT_NAT_ORIGIN = 3092, SCALE_AT_CENTER = 3093,
            STRAIGHT_VERT_POLE_LONG = 3095;

    private GeoKeyCrs() {
    }

    static CoordinateReferenceSystem resolve(String file, GeoKeyDirectory gk)
            throws NotGeoreferencedException, CrsException {
        Integer model = gk.intKey(GeoKeyDirectory.MODEL_TYPE);
        Integer pcs = gk.intKey(GeoKeyDirectory.PROJECTED_CRS);
        Integer gcs = gk.intKey(GeoKeyDirectory.GEODETIC_CRS);
        if (gk.keys().isEmpty()) {
            throw new NotGeoreferencedException(file + ": no GeoKeys (tag 34735), the image has no CRS");
        }
        if (pcs != null && pcs > 0 && pcs != GeoKeyDirectory.USER_DEFINED) {
            return CrsResolver.forCode("EPSG:" + pcs);
        }
        boolean projected = (model != null && model == GeoKeyDirectory.MODEL_PROJECTED)
                || (model == null && pcs != null);
        if (projected) {
            return CrsResolver.fromWkt(projcs(file, gk));
        }
        if (model != null && model == GeoKeyDirectory.MODEL_GEOGRAPHIC || (model == null && gcs != null)) {
            if (gcs != null && gcs > 0 && gcs != GeoKeyDirectory.USER_DEFINED) {
                return CrsResolver.forCode("EPSG:" + gcs);
            }
            return CrsResolver.fromWkt(geogcs(file, gk));
        }
        throw new NotGeoreferencedException(file + ": GTModelTypeGeoKey is " + model
                + ", cairn reads projected (1) and geographic (2) CRSs");
    }

    /** WKT 1 of the base geographic CRS. */
    static String geogcs(String file, GeoKeyDirectory gk) throws CrsException {
        Integer gcs = gk.intKey(GeoKeyDirectory.GEODETIC_CRS);
        if (gcs != null && gcs > 0 && gcs != GeoKeyDirectory.USER_DEFINED) {
            return CrsResolver.wkt1("EPSG:" + gcs);
        }
        Integer datum = gk.intKey(GEODETIC_DATUM);
        Integer pm = gk.intKey(PRIME_MERIDIAN);
        boolean greenwich = (pm == null || pm == 8901) && !(gk.keys().get(PM_LONG) instanceof double[]);
        if (datum != null && datum >= 6001 && datum <= 6999 && greenwich) {
            try {
                return CrsResolver.wkt1("EPSG:" + (datum - 2000));
            } catch (CrsException e) {
                // no geographic CRS of that number: build one from the ellipsoid below
            }
        }
        double a, invf;
        String ellName = "unknown";
        Integer ell = gk.intKey(ELLIPSOID);
        if (ell != null && ell > 0 && ell != GeoKeyDirectory.USER_DEFINED) {
            try {
                DatumAuthorityFactory f = (DatumAuthorityFactory) CRS.getAuthorityFactory("EPSG");
                Ellipsoid e = f.createEllipsoid(String.valueOf(ell));
                a = e.getAxisUnit().getConverterTo(org.apache.sis.measure.Units.METRE).convert(e.getSemiMajorAxis());
                invf = e.isSphere() ? 0 : e.getInverseFlattening();
                ellName = e.getName().getCode();
            } catch (FactoryException | ClassCastException e) {
                throw new CrsException(file + ": unknown GeogEllipsoidGeoKey " + ell + ": " + e.getMessage(), e);
            }
        } else {
            Double semiMajor = number(gk, SEMI_MAJOR);
            if (semiMajor == null) {
                throw new CrsException(file + ": user-defined geographic CRS without datum, ellipsoid code or "
                        + "GeogSemiMajorAxisGeoKey: cannot tell the ellipsoid");
            }
            a = semiMajor;
            Double inv = number(gk, INV_FLATTENING), b = number(gk, SEMI_MINOR);
            invf = inv != null ? inv : (b != null && b != a ? a / (a - b) : 0);
        }
        double pmLong = 0;
        Double pml = number(gk, PM_LONG);
        if (pml != null) {
            pmLong = pml * angularToDegrees(file, gk);
        } else if (pm != null && pm != 8901 && pm != GeoKeyDirectory.USER_DEFINED) {
            try {
                var p = ((DatumAuthorityFactory) CRS.getAuthorityFactory("EPSG")).createPrimeMeridian(String.valueOf(pm));
                pmLong = p.getAngularUnit().getConverterTo(org.apache.sis.measure.Units.DEGREE)
                        .convert(p.getGreenwichLongitude());
            } catch (FactoryException e) {
                throw new CrsException(file + ": unknown GeogPrimeMeridianGeoKey " + pm, e);
            }
        }
        String name = gk.keys().get(GeoKeyDirectory.GEOG_CITATION) instanceof String s && !s.isBlank() ? s : "unknown";
        return "GEOGCS[" + q(name) + ",DATUM[" + q(datum != null && datum != GeoKeyDirectory.USER_DEFINED
                ? "EPSG datum " + datum : "unknown") + ",SPHEROID[" + q(ellName) + "," + n(a) + "," + n(invf) + "]],"
                + "PRIMEM[\"unknown\"," + n(pmLong) + "],UNIT[\"degree\",0.0174532925199433]]";
    }

    static String projcs(String file, GeoKeyDirectory gk) throws CrsException {
        String geog = geogcs(file, gk);
        Integer method = gk.intKey(PROJ_METHOD);
        Integer projection = gk.intKey(PROJECTION);
        double toDeg = angularToDegrees(file, gk);
        StringBuilder p = new StringBuilder();
        if ((method == null || method == GeoKeyDirectory.USER_DEFINED) && projection != null
                && ((projection >= 16001 && projection <= 16060) || (projection >= 16101 && projection <= 16160))) {
            int zone = projection % 100;
            boolean south = projection > 16100;
            p.append(proj("Transverse_Mercator")).append(par("latitude_of_origin", 0))
                    .append(par("central_meridian", zone * 6 - 183)).append(par("scale_factor", 0.9996))
                    .append(par("false_easting", 500000 / linearToMetres(file, gk)))
                    .append(par("false_northing", (south ? 10000000 : 0) / linearToMetres(file, gk)));
        } else if (method == null) {
            throw new CrsException(file + ": user-defined projected CRS (ProjectedCRSGeoKey 32767) without "
                    + "ProjMethodGeoKey (3075), ProjectionGeoKey is " + projection + ": cannot tell the projection");
        } else {
            double lat0 = ang(gk, toDeg, NAT_ORIGIN_LAT, FALSE_ORIGIN_LAT, CENTER_LAT);
            double lon0 = ang(gk, toDeg, NAT_ORIGIN_LONG, FALSE_ORIGIN_LONG, CENTER_LONG);
            double k = num(gk, 1, SCALE_AT_NAT_ORIGIN, SCALE_AT_CENTER);
            double fe = num(gk, 0, FALSE_EASTING, CENTER_EASTING, FALSE_ORIGIN_EASTING);
            double fn = num(gk, 0, FALSE_NORTHING, CENTER_NORTHING, FALSE_ORIGIN_NORTHING);
            double sp1 = ang(gk, toDeg, STD_PARALLEL1), sp2 = ang(gk, toDeg, STD_PARALLEL2);
            switch (method) {
                case 1 -> p.append(proj("Transverse_Mercator")).append(par("latitude_of_origin", lat0))
                        .append(par("central_meridian", lon0)).append(par("scale_factor", k));
                case 7 -> {
                    if (gk.keys().containsKey(STD_PARALLEL1)) {
                        p.append(proj("Mercator_2SP")).append(par("standard_parallel_1", sp1))
                                .append(par("central_meridian", lon0));
                    } else {
                        p.append(proj("Mercator_1SP")).append(par("latitude_of_origin", lat0))
                                .append(par("central_meridian", lon0)).append(par("scale_factor", k));
                    }
                }
                case 8 -> {
                    double flat = ang(gk, toDeg, FALSE_ORIGIN_LAT, NAT_ORIGIN_LAT, CENTER_LAT);
                    double flon = ang(gk, toDeg, FALSE_ORIGIN_LONG, NAT_ORIGIN_LONG, CENTER_LONG);
                    fe = num(gk, 0, FALSE_ORIGIN_EASTING, FALSE_EASTING, CENTER_EASTING);
                    fn = num(gk, 0, FALSE_ORIGIN_NORTHING, FALSE_NORTHING, CENTER_NORTHING);
                    p.append(proj("Lambert_Conformal_Conic_2SP")).append(par("standard_parallel_1", sp1))
                            .append(par("standard_parallel_2", sp2)).append(par("latitude_of_origin", flat))
                            .append(par("central_meridian", flon));
                }
                case 9 -> p.append(proj("Lambert_Conformal_Conic_1SP")).append(par("latitude_of_origin", lat0))
                        .append(par("central_meridian", lon0)).append(par("scale_factor", k));
                case 10 -> p.append(proj("Lambert_Azimuthal_Equal_Area")).append(par("latitude_of_center", lat0))
                        .append(par("longitude_of_center", lon0));
                case 11 -> p.append(proj("Albers_Conic_Equal_Area")).append(par("standard_parallel_1", sp1))
                        .append(par("standard_parallel_2", sp2)).append(par("latitude_of_center", lat0))
                        .append(par("longitude_of_center", lon0));
                case 15 -> {
                    double lon = ang(gk, toDeg, STRAIGHT_VERT_POLE_LONG, NAT_ORIGIN_LONG, FALSE_ORIGIN_LONG, CENTER_LONG);
                    if (k == 1 && Math.abs(Math.abs(lat0) - 90) > 1e-8) {
                        p.append(proj("Polar Stereographic (variant B)"))
                                .append(par("Latitude of standard parallel", lat0))
                                .append(par("Longitude of origin", lon));
                    } else {
                        p.append(proj("Polar Stereographic (variant A)"))
                                .append(par("Latitude of natural origin", lat0))
                                .append(par("Longitude of natural origin", lon))
                                .append(par("Scale factor at natural origin", k));
                    }
                }
                case 16 -> p.append(proj("Oblique_Stereographic")).append(par("latitude_of_origin", lat0))
                        .append(par("central_meridian", lon0)).append(par("scale_factor", k));
                case 17 -> p.append(proj("Equirectangular")).append(par("standard_parallel_1", sp1))
                        .append(par("central_meridian", lon0));
                default -> throw new CrsException(file + ": unsupported ProjMethodGeoKey (3075) " + method
                        + "; cairn reads 1 TM, 7 Mercator, 8/9 LCC, 10 LAEA, 11 Albers, 15 polar and 16 oblique"
                        + " stereographic, 17 equirectangular. Reproject with gdalwarp -t_srs EPSG:xxxx first.");
            }
            p.append(par("false_easting", fe)).append(par("false_northing", fn));
        }
        String name = gk.keys().get(GeoKeyDirectory.PROJ_CITATION) instanceof String s && !s.isBlank() ? s
                : gk.keys().get(GeoKeyDirectory.CITATION) instanceof String c && !c.isBlank() ? c : "unnamed";
        double unit = linearToMetres(file, gk);
        return "PROJCS[" + q(name) + "," + geog + p + ",UNIT[" + q(unitName(unit)) + ","
                + n(unit) + "],AXIS[\"Easting\",EAST],AXIS[\"Northing\",NORTH]]";
    }

    private static String unitName(double metres) {
        if (metres == 1) {
            return "metre";
        } else if (metres == 0.3048) {
            return "foot";
        } else if (metres == 1200.0 / 3937.0) {
            return "US survey foot";
        } else if (metres == 1000) {
            return "kilometre";
        }
        return "unknown";
    }

    /** ProjLinearUnitsGeoKey in metres. */
    static double linearToMetres(String file, GeoKeyDirectory gk) throws CrsException {
        Integer u = gk.intKey(GeoKeyDirectory.PROJ_LINEAR_UNITS);
        if (u == null || u == 9001) {
            return 1;
        }
        return switch (u) {
            case 9002 -> 0.3048;
            case 9003 -> 1200.0 / 3937.0; // US survey foot
            case 9005 -> 0.3047972654; // Clarke's foot
            case 9014 -> 1.8288;
            case 9030 -> 1852;
            case 9036 -> 1000;
            case 9037 -> 0.9143917962; // Clarke's yard
            case 9040, 9041, 9042 -> 0.914398414616029; // British yard (Sears 1922)
            case 9093 -> 1609.344;
            case 9096 -> 0.9144;
            default -> {
                Double size = number(gk, LINEAR_UNIT_SIZE);
                if (u == GeoKeyDirectory.USER_DEFINED && size != null && size > 0) {
                    yield size;
                }
                throw new CrsException(file + ": unsupported ProjLinearUnitsGeoKey (3076) " + u);
            }
        };
    }

    private static double angularToDegrees(String file, GeoKeyDirectory gk) throws CrsException {
        Integer u = gk.intKey(GeoKeyDirectory.GEOG_ANGULAR_UNITS);
        if (u == null || u == 9102 || u == 9122) {
            return 1;
        }
        return switch (u) {
            case 9101 -> 180 / Math.PI;
            case 9105 -> 0.9;
            case 9104 -> 1 / 3600.0;
            case 9103 -> 1 / 60.0;
            default -> throw new CrsException(file + ": unsupported GeogAngularUnitsGeoKey (2054) " + u);
        };
    }

    private static Double number(GeoKeyDirectory gk, int id) {
        Object v = gk.keys().get(id);
        if (v instanceof double[] d && d.length > 0) {
            return d[0];
        }
        return v instanceof Integer i ? i.doubleValue() : null;
    }

    /** The first of the keys present, else {@code dflt}. */
    private static double num(GeoKeyDirectory gk, double dflt, int... ids) {
        for (int id : ids) {
            Double d = number(gk, id);
            if (d != null) {
                return d;
            }
        }
        return dflt;
    }

    private static double ang(GeoKeyDirectory gk, double toDeg, int... ids) {
        return num(gk, 0, ids) * toDeg;
    }

    private static String proj(String name) {
        return ",PROJECTION[" + q(name) + "]";
    }

    private static String par(String name, double v) {
        return ",PARAMETER[" + q(name) + "," + n(v) + "]";
    }

    private static String q(String s) {
        return "\"" + s.replace("\"", "'") + "\"";
    }

    private static String n(double v) {
        return java.math.BigDecimal.valueOf(v).toPlainString();
    }
}
