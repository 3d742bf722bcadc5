package dev.cairn.geo.geojson;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * Tells GeoJSON layouts apart from the first bytes of a file (up to 4 KiB), by content only.
 *
 * <p>After a UTF-8 BOM and whitespace: RS (0x1E) → a text sequence. {@code '{'} → the head is
 * tokenized: a root {@code "type"} of {@code FeatureCollection} (or a root {@code "features"}
 * array) → a collection; a root {@code "type": "Feature"} → a single Feature when nothing follows
 * it, a newline-delimited sequence when another object follows, and {@link Layout#FEATURE} when
 * the first object does not end within the head (the caller may use the file extension to decide).
 * A root geometry object counts as a Feature (a feature without properties). Anything else (a
 * GeoPackage's "SQLite format 3", a Topology) → not GeoJSON.
 */
final class HeadSniffer {

    enum Layout { NONE, COLLECTION, FEATURE, SINGLE_FEATURE, SEQUENCE }

    /** Heads this long may be cut short of the file: nothing after them is known. */
    static final int MAX_HEAD = 4096;

    private HeadSniffer() {
    }

    static Layout sniff(byte[] head) {
        int i = 0;
        int n = head.length;
        if (n >= 3 && (head[0] & 0xFF) == 0xEF && (head[1] & 0xFF) == 0xBB && (head[2] & 0xFF) == 0xBF) {
            i = 3;
        }
        while (i < n && (head[i] == ' ' || head[i] == '\t' || head[i] == '\r' || head[i] == '\n')) {
            i++;
        }
        if (i >= n) {
            return Layout.NONE;
        }
        boolean rs = head[i] == 0x1E;
        if (!rs && head[i] != '{') {
            return Layout.NONE;
        }
        String rootType = null;
        boolean hasFeatures = false;
        boolean complete = false;
        JsonToken following = null;
        try (JsonParser p = JsonInput.open(head, i, n - i)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return Layout.NONE;
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                if (name.equals("type") && v == JsonToken.VALUE_STRING) {
                    rootType = p.getText();
                } else if (name.equals("features") && v == JsonToken.START_ARRAY) {
                    hasFeatures = true;
                }
                if (rootType != null && !rootType.equals("Feature")) {
                    break;
                }
                if (hasFeatures) {
                    break;
                }
                p.skipChildren();
            }
            if (t == JsonToken.END_OBJECT) {
                complete = true;
                following = p.nextToken();
            }
        } catch (IOException | RuntimeException e) {
            // the head ends inside a token or the text is not JSON: judge on what was seen
        }
        if ("FeatureCollection".equals(rootType) || (rootType == null && hasFeatures)) {
            return rs ? Layout.NONE : Layout.COLLECTION;
        }
        if (rootType == null || !"Feature".equals(rootType) && !GeometryReader.TYPES.contains(rootType)) {
            return Layout.NONE; // a bare geometry reads as a feature without properties (RFC 7946 allows it at the root)
        }
        if (rs || following == JsonToken.START_OBJECT) {
            return Layout.SEQUENCE;
        }
        if (complete && following == null && n < MAX_HEAD) {
            return Layout.SINGLE_FEATURE;
        }
        return Layout.FEATURE;
    }
}
