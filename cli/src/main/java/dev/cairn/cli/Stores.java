package dev.cairn.cli;

import dev.cairn.engine.CheckpointStore;
import dev.cairn.engine.JobHome;
import dev.cairn.engine.CheckpointStores;
import dev.cairn.engine.NoSuchCheckpointException;
import dev.cairn.engine.RunReport;
import dev.cairn.engine.UnknownStoreException;
import dev.cairn.engine.UnusableCheckpointException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a job's checkpoint lives and how to open it: {@code --store URL} (resolved by the store
 * plug-in that accepts it, see {@link CheckpointStores}), else {@code OUTDIR/.cairn/checkpoint.db}
 * (for a single-file output such as {@code out/basemap.mbtiles}: under its {@link JobHome}).
 * The CLI names no store implementation.
 *
 * <p>A checkpoint the store cannot use (damaged, or written by a newer cairn: an
 * {@link UnusableCheckpointException}) stops every command with exit 2 and one line naming the
 * file, what is wrong and {@code --fresh}; only a job command given {@code --fresh} moves it aside.
 */
final class Stores {
    private static final Logger log = LoggerFactory.getLogger(Stores.class);
    static final String DIR = ".cairn";
    static final String FILE = "checkpoint.db";

    private Stores() {
    }

    /** The store's URL: {@code --store} when given, else the default checkpoint file's path. */
    static String url(Path outDir, String storeUrl) {
        if (storeUrl == null || storeUrl.isBlank()) {
            return JobHome.of(outDir).resolve(DIR).resolve(FILE).toString();
        }
        return storeUrl;
    }

    /**
     * The file of the store when it is a local file ({@code sqlite:PATH} or a bare path), so that
     * {@code verify} does not count it as an output; empty for a server URL.
     */
    static Optional<Path> localFile(Path outDir, String storeUrl) {
        String url = url(outDir, storeUrl);
        if (url.startsWith("sqlite:")) {
            return Optional.of(Path.of(url.substring("sqlite:".length())).toAbsolutePath());
        }
        boolean scheme = url.matches("^[A-Za-z][A-Za-z0-9+.-]+:.*");
        return scheme ? Optional.empty() : Optional.of(Path.of(url).toAbsolutePath());
    }

    /** Opens the store for a run, creating it when missing. */
    static CheckpointStore open(Path outDir, String storeUrl) {
        return open(url(outDir, storeUrl), false);
    }

    /**
     * {@link #open(Path, String)} for a job command; with {@code fresh}, a checkpoint that cannot be
     * used (damaged, of a newer cairn) is set aside (see {@link #setAside}) and a new one created.
     */
    static CheckpointStore open(Path outDir, String storeUrl, boolean fresh) {
        String url = url(outDir, storeUrl);
        if (fresh) {
            try {
                return CheckpointStores.open(url, null, false);
            } catch (UnusableCheckpointException e) {
                setAside(e);
            } catch (UnknownStoreException e) {
                // reported below
            }
        }
        return open(url, false);
    }

    /**
     * Renames each file of an unusable checkpoint to {@code NAME.unusable-TIME} in its directory
     * (never deletes it: it may be worth a look, or a restore) and says so.
     */
    private static void setAside(UnusableCheckpointException e) {
        String stamp = DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC)
                .format(Instant.now());
        for (Path file : e.files()) {
            Path aside = file.resolveSibling(file.getFileName() + ".unusable-" + stamp);
            try {
                Files.move(file, aside);
            } catch (NoSuchFileException gone) {
                continue;
            } catch (IOException io) {
                throw new CliException(RunReport.USAGE, e.getMessage() + " --fresh could not set " + file
                        + " aside: " + io + ".");
            }
            log.atWarn().addKeyValue("event", "checkpoint_set_aside")
                    .log("--fresh: {} cannot be used; renamed it to {} and starting over", file, aside.getFileName());
        }
    }

    /** Opens an existing checkpoint for a run on it (resume, reset, retry-failures). */
    static CheckpointStore openExisting(Path outDir, String storeUrl) {
        try (CheckpointStore probe = openReadOnly(outDir, storeUrl)) {
            // exists: the writer below will not create an empty one
        }
        return open(url(outDir, storeUrl), false);
    }

    /** Opens an existing checkpoint read-only: safe while a run is writing it. */
    static CheckpointStore openReadOnly(Path outDir, String storeUrl) {
        String url = url(outDir, storeUrl);
        try {
            return open(url, true);
        } catch (NoSuchCheckpointException e) {
            throw new CliException(RunReport.USAGE, "No cairn checkpoint at " + url
                    + ": is " + outDir + " the output directory of a cairn run?");
        }
    }

    /**
     * Opens the existing store at {@code url} read-only, bound to job {@code jobId} (null: its most
     * recent job), for {@code status}: safe while workers write it.
     */
    static CheckpointStore openJobReadOnly(String url, String jobId) {
        try {
            return open(url, jobId, true);
        } catch (NoSuchCheckpointException e) {
            throw new CliException(RunReport.USAGE, "--store " + url + (jobId == null ? " holds no cairn job"
                    : " holds no job " + jobId) + ": check the URL and the job id ('cairn status OUTDIR --store "
                    + url + "' names the job of an output).");
        }
    }

    /** Opens the existing store at {@code url} bound to job {@code jobId} (null: its most recent job), for a worker. */
    static CheckpointStore openJob(String url, String jobId) {
        try (CheckpointStore probe = open(url, jobId, true)) {
            // exists and holds the job: the writer below will not create an empty store
        } catch (NoSuchCheckpointException e) {
            throw new CliException(RunReport.USAGE, "--store " + url + (jobId == null ? " holds no cairn job"
                    : " holds no job " + jobId) + ": start the job first with its command and --store " + url + ".");
        }
        return open(url, jobId, false);
    }

    private static CheckpointStore open(String url, boolean readOnly) {
        return open(url, null, readOnly);
    }

    private static CheckpointStore open(String url, String jobId, boolean readOnly) {
        try {
            return CheckpointStores.open(url, jobId, readOnly);
        } catch (UnusableCheckpointException e) {
            throw new CliException(RunReport.USAGE, e.getMessage() + " To start over, run the job's command again with"
                    + " --fresh (it renames these files to NAME.unusable-TIME and creates a new checkpoint); or"
                    + " restore the checkpoint from a backup.");
        } catch (UnknownStoreException e) {
            throw new CliException(RunReport.USAGE, "--store " + url + ": no checkpoint store of this version of cairn"
                    + " reads " + url.substring(0, Math.max(url.indexOf(':'), 0)) + " URLs (it has: "
                    + String.join(", ", e.schemes()) + "); use one of those, or leave --store out.");
        }
    }
}
