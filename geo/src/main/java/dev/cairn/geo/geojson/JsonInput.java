package dev.cairn.geo.geojson;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import dev.cairn.engine.AssetFailure;
import dev.cairn.engine.ErrorClass;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Opens GeoJSON files for Jackson's streaming parser and turns every way reading can fail into
 * one {@link AssetFailure} a user can act on: {@code "<file>: <what> at line L, column C"}.
 *
 * <p>The parser is Jackson's default: strict JSON, so {@code NaN}, {@code Infinity}, comments,
 * single quotes and unescaped control characters are bad input (RFC 8259 forbids them and GDAL
 * rejects them too). A UTF-8 byte order mark is skipped by Jackson's encoding detection.
 *
 * <p>GeoJSON text sequences (RFC 8142) put the record separator RS (0x1E) before each record.
 * Valid JSON can never hold a raw 0x1E (control characters inside strings must be escaped), so in
 * sequence mode the stream replaces it by a space, byte for byte, which keeps the reported line
 * and column exact and lets Jackson read the records as a sequence of root-level values.
 */
final class JsonInput {
    /**
     * Jackson's embedded FastDoubleParser reads numbers: correctly rounded like
     * {@link Double#parseDouble} (same bits), and parsing coordinates was a fifth of the time of a
     * GeoJSON conversion with the JDK's parser.
     */
    static final JsonFactory FACTORY = JsonFactory.builder().enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER).build();

    private static final int RS = 0x1E;
    private static final java.util.regex.Pattern NON_NUMERIC =
            java.util.regex.Pattern.compile("'([+-]?(?:NaN|Infinity|INF))'");

    private JsonInput() {
    }

    /** A parser over {@code file}; in sequence mode RS bytes read as whitespace. */
    static JsonParser open(Path file, boolean sequence) throws IOException {
        InputStream in = Files.newInputStream(file);
        try {
            return FACTORY.createParser(sequence ? new RecordSeparatorAsSpace(in) : in);
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    /**
     * A parser over the file from {@code byteOffset} on, where a feature object starts; for a
     * FeatureCollection ({@code sequence} false) preceded by {@code "["}, so that the rest of the
     * features array reads as an array (see {@link FeatureStream#openAt}).
     */
    static JsonParser openAt(Path file, boolean sequence, long byteOffset) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        try {
            channel.position(byteOffset);
            InputStream in = Channels.newInputStream(channel);
            return FACTORY.createParser(sequence ? new RecordSeparatorAsSpace(in)
                    : new SequenceInputStream(new ByteArrayInputStream(OPEN_ARRAY), in));
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static final byte[] OPEN_ARRAY = {'['};

    /** The length of what {@link #openAt} puts in front of the file's bytes. */
    static int seekPrefix(boolean sequence) {
        return sequence ? 0 : OPEN_ARRAY.length;
    }

    /** A parser over {@code head} bytes (probing). */
    static JsonParser open(byte[] head, int offset, int length) throws IOException {
        byte[] copy = java.util.Arrays.copyOfRange(head, offset, offset + length);
        for (int i = 0; i < copy.length; i++) {
            if (copy[i] == RS) {
                copy[i] = ' ';
            }
        }
        return FACTORY.createParser(copy);
    }

    /** The next token; end of input where a value must follow is a truncation. */
    static JsonToken next(JsonParser p) throws IOException {
        JsonToken t = p.nextToken();
        if (t == null) {
            throw new MalformedGeoJsonException("truncated file (unexpected end of input)", p.currentLocation());
        }
        return t;
    }

    static MalformedGeoJsonException malformed(JsonParser p, String what) {
        return new MalformedGeoJsonException(what, p.currentTokenLocation());
    }

    /** Translates anything a reader threw into the failure reported for {@code file}. */
    static AssetFailure failure(Path file, Exception e) {
        return failure(file, e, NOT_SEEKED);
    }

    private static final long NOT_SEEKED = Long.MIN_VALUE;

    /**
     * {@link #failure(Path, Exception)} for a parser opened by {@link #openAt}: its locations count
     * from the seek point, so the message gives the byte offset in the file instead of a line.
     *
     * @param shift what to add to a location's byte offset to get the file's: the seek offset
     *              minus {@link #seekPrefix}
     */
    static AssetFailure failure(Path file, Exception e, long shift) {
        String name = String.valueOf(file);
        if (e instanceof MalformedGeoJsonException m) {
            return AssetFailure.permanent(ErrorClass.FORMAT, name + ": " + m.getMessage() + at(m.location(), shift), e);
        }
        if (e instanceof JsonEOFException eof) {
            return AssetFailure.permanent(ErrorClass.FORMAT,
                    name + ": truncated file (unexpected end of input)" + at(eof.getLocation(), shift), e);
        }
        if (e instanceof StreamConstraintsException c) {
            return AssetFailure.permanent(ErrorClass.FORMAT, name + ": " + firstLine(c.getOriginalMessage())
                    + at(c.getLocation(), shift) + "; a limit of the JSON parser was exceeded", e);
        }
        if (e instanceof JsonProcessingException j) {
            return AssetFailure.permanent(ErrorClass.FORMAT,
                    name + ": " + describe(j.getOriginalMessage()) + at(j.getLocation(), shift), e);
        }
        if (e instanceof java.io.CharConversionException c) {
            // Jackson's decoder of UTF-16/32 input (chosen from the first bytes) met an invalid character
            return AssetFailure.permanent(ErrorClass.FORMAT, name + ": not valid Unicode text (" + firstLine(c.getMessage())
                    + ")", e);
        }
        if (e instanceof NoSuchFileException || e instanceof AccessDeniedException) {
            return AssetFailure.permanent(ErrorClass.IO, name + ": cannot read (" + e + ")", e);
        }
        if (e instanceof IOException) {
            return AssetFailure.transientFailure(ErrorClass.IO, name + ": read failed: " + e.getMessage(), e);
        }
        return AssetFailure.permanent(ErrorClass.INTERNAL, name + ": unexpected error reading GeoJSON: " + e, e);
    }

    private static String describe(String jacksonMessage) {
        String msg = firstLine(jacksonMessage);
        java.util.regex.Matcher m = NON_NUMERIC.matcher(msg);
        if (m.find()) {
            return "invalid JSON: " + m.group(1) + " is not a JSON number (JSON has no NaN or Infinity; use null)";
        }
        return "invalid JSON: " + msg;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "malformed input";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static String at(JsonLocation loc, long shift) {
        if (shift != NOT_SEEKED) {
            return loc == null || loc.getByteOffset() < 0 ? "" : " at byte " + (shift + loc.getByteOffset());
        }
        if (loc == null || loc.getLineNr() < 0) {
            return "";
        }
        return " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
    }

    /** Reads RS (0x1E) as a space; every other byte unchanged. */
    private static final class RecordSeparatorAsSpace extends FilterInputStream {
        RecordSeparatorAsSpace(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            return b == RS ? ' ' : b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            int n = in.read(buf, off, len);
            for (int i = off; i < off + n; i++) {
                if (buf[i] == RS) {
                    buf[i] = ' ';
                }
            }
            return n;
        }
    }
}
