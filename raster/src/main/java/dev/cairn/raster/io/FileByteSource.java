package dev.cairn.raster.io;

import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * A local file read with positional reads on one shared {@link FileChannel}.
 *
 * <p>Thread-safe: positional reads do not move a shared position, so workers read blocks of one
 * file at once without locking. {@link #size()} and {@link #version()} ask the file system each
 * time (one {@code fstat}/{@code stat}), so a file rewritten while it is read shows a new version;
 * a read beyond the current end is an {@link EOFException}, checked before anything is allocated.
 *
 * <p>The trap this class handles: a thread interrupted inside a {@code FileChannel} read closes
 * the channel for <em>every</em> thread ({@link ClosedByInterruptException} for the interrupted
 * one, {@link java.nio.channels.AsynchronousCloseException} for the others). A worker cancelled by interrupt must
 * not fail its neighbours, so the channel is reopened and the neighbours' reads are retried; the
 * interrupted thread gets an {@link InterruptedIOException}. Only {@link #close()} closes for good.
 */
final class FileByteSource implements ByteSource {
    private final String name;
    private final Path path;
    private volatile FileChannel channel;
    private volatile boolean closed;

    FileByteSource(String name, Path path) throws IOException {
        this.name = name;
        this.path = path;
        this.channel = FileChannel.open(path, StandardOpenOption.READ);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long size() throws IOException {
        while (true) {
            FileChannel ch = current();
            try {
                return ch.size();
            } catch (ClosedByInterruptException e) {
                throw interrupted(ch, e);
            } catch (ClosedChannelException e) {
                reopen(ch);
            }
        }
    }

    @Override
    public ByteBuffer read(long offset, int length) throws IOException {
        Ranges.check(name, offset, length, size());
        ByteBuffer buf = ByteBuffer.allocate(length);
        while (buf.hasRemaining()) {
            FileChannel ch = current();
            try {
                int n = ch.read(buf, offset + buf.position());
                if (n < 0) {
                    throw new EOFException(name + ": the file ended at " + (offset + buf.position())
                            + " while reading " + length + " bytes at offset " + offset + " (it shrank while being read)");
                }
            } catch (ClosedByInterruptException e) {
                throw interrupted(ch, e);
            } catch (ClosedChannelException e) {
                // another thread's interrupt closed the shared channel (AsynchronousCloseException,
                // or closed before this read began): reopen and go on, unless close() was called
                reopen(ch);
            }
        }
        return buf.flip();
    }

    /** {@code size=N;mtime=ISO-instant}: changes when a writer changes the length or touches the file. */
    @Override
    public String version() throws IOException {
        BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
        return "size=" + a.size() + ";mtime=" + a.lastModifiedTime().toInstant();
    }

    @Override
    public void close() throws IOException {
        closed = true;
        channel.close();
    }

    @Override
    public String toString() {
        return "FileByteSource[" + name + "]";
    }

    private FileChannel current() throws IOException {
        FileChannel ch = channel;
        if (!ch.isOpen()) {
            reopen(ch);
            ch = channel;
        }
        return ch;
    }

    /** Reopens the channel the interrupt closed, for the other threads, and tells the interrupted one. */
    private InterruptedIOException interrupted(FileChannel ch, ClosedByInterruptException e) throws IOException {
        reopen(ch);
        InterruptedIOException ie = new InterruptedIOException(name + ": read interrupted");
        ie.initCause(e);
        return ie;
    }

    private synchronized void reopen(FileChannel broken) throws IOException {
        if (closed) {
            throw new IOException(name + ": the source is closed");
        }
        if (channel == broken) {
            channel = FileChannel.open(path, StandardOpenOption.READ);
        }
    }
}
