package dev.cairn.raster.io;

import java.io.IOException;

/**
 * The remote file changed while it was being read: a range response carried another ETag (or
 * Last-Modified, or total length) than the first response, or the server answered 412/416 to a
 * range the file had. Bytes read before and after belong to different files, so nothing read
 * through this source may be used.
 *
 * <p>What to do: open a new source and redo the asset from the start; its checkpoint key (URL plus
 * {@link ByteSource#version()}) changes with the file. As an {@link IOException} the engine treats
 * it as transient, which retries the asset, and the retry opens a new source.
 */
public class SourceChangedException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String url;
    private final String versionBefore;
    private final String versionNow;

    public SourceChangedException(String url, String versionBefore, String versionNow) {
        super(url + ": the file changed while it was being read (version was " + versionBefore + ", now "
                + versionNow + "); the asset must be read again from the start");
        this.url = url;
        this.versionBefore = versionBefore;
        this.versionNow = versionNow;
    }

    public String url() {
        return url;
    }

    public String versionBefore() {
        return versionBefore;
    }

    public String versionNow() {
        return versionNow;
    }
}
