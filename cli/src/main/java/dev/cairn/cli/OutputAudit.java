package dev.cairn.cli;

import dev.cairn.engine.AssetRecord;
import dev.cairn.engine.AssetState;
import dev.cairn.engine.AtomicFiles;
import dev.cairn.engine.CheckpointStore;
import dev.cairn.engine.OutputLayout;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Compares an output directory with its checkpoint, reading both and changing neither:
 *
 * <ul>
 *   <li>{@code missing}: a done asset whose output file is gone;</li>
 *   <li>{@code checksum}: a done asset whose output's CRC-32C differs from the one recorded when
 *       it was committed (changed or corrupted since);</li>
 *   <li>{@code extra}: a file of the job's kind ({@link OutputLayout}: an output extension, or a
 *       sidecar extension) that no planned asset produces;</li>
 *   <li>{@code temp}: a temp file of the atomic-commit protocol ({@link AtomicFiles#isTemp}) left
 *       by an attempt that died before its rename;</li>
 *   <li>{@code staging}: a staging file ({@code .NAME.KEY.cairn-stage}, which the chunks of one
 *       huge input fill before it is published as NAME) although every chunk of NAME is done, or
 *       no asset writes NAME.</li>
 * </ul>
 *
 * <p><b>Chunked outputs.</b> When several assets (chunks) write one output, the output exists
 * only once all of them are done; before that a done chunk's work lives in the staging file, so
 * a missing output is not a finding. A missing or changed output of a fully done group is one
 * finding naming every chunk ({@link Finding#assetIds}): repairing it must redo them all, since
 * the output is rebuilt from all of them.
 *
 * <p><b>During a run.</b> The checkpoint is read first, the tree walked second; temp files of
 * assets that are {@code running} belong to the live run and are not findings. A temp file
 * whose asset was claimed after the first read is checked again against a second read, and one
 * that vanished meanwhile (committed) is dropped, so a live run produces no false findings.
 * An output of an asset that is pending or failed is not a finding either: the next run
 * overwrites it atomically.
 */
final class OutputAudit {

    enum Kind {
        MISSING, CHECKSUM, EXTRA, TEMP, STAGING;

        String key() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * One inconsistency. {@code assetIds} are the assets to redo to repair it (every chunk of a
     * chunked output; empty for a file no asset accounts for, or for a leftover file).
     */
    record Finding(Kind kind, String assetId, List<String> assetIds, Path path, String detail) {
        Finding(Kind kind, String assetId, Path path, String detail) {
            this(kind, assetId, assetId == null ? List.of() : List.of(assetId), path, detail);
        }

        /** The asset as shown: its id, with the number of further chunks of the same output. */
        String shownAsset() {
            if (assetId == null) {
                return "-";
            }
            return assetIds.size() > 1 ? assetId + " (+" + (assetIds.size() - 1) + " chunks)" : assetId;
        }
    }

    private OutputAudit() {
    }

    /**
     * Audits {@code outDir} against {@code store}.
     *
     * @param layout the files the job produces (output and sidecar extensions)
     * @param skip   directories and files under {@code outDir} that are not outputs (the checkpoint)
     */
    static List<Finding> audit(CheckpointStore store, Path outDir, OutputLayout layout, Set<Path> skip) {
        List<AssetRecord> assets = store.assets(EnumSet.allOf(AssetState.class));
        Map<Path, List<AssetRecord>> byOutput = new LinkedHashMap<>();
        for (AssetRecord a : assets) {
            byOutput.computeIfAbsent(normal(Path.of(a.asset().output())), k -> new ArrayList<>()).add(a);
        }
        Set<Path> sidecars = new java.util.HashSet<>();
        for (Path output : byOutput.keySet()) {
            layout.sidecarsOf(output).forEach(p -> sidecars.add(normal(p)));
        }
        List<Finding> findings = new ArrayList<>();
        byOutput.forEach((output, group) -> checkOutput(output, group, findings));
        List<Path> temps = new ArrayList<>();
        for (Path file : walk(outDir, skip)) {
            if (AtomicFiles.isTemp(file)) {
                temps.add(file);
            } else if (AtomicFiles.isStaging(file)) {
                checkStaging(file, byOutput, findings);
            } else if (layout.isOutputName(file) && !byOutput.containsKey(file)) {
                findings.add(new Finding(Kind.EXTRA, null, file, "no asset of this job produces this file"));
            } else if (layout.isSidecarName(file) && !layout.isOutputName(file) && !sidecars.contains(file)) {
                findings.add(new Finding(Kind.EXTRA, null, file, "no asset of this job produces the output this file goes with"));
            }
        }
        if (!temps.isEmpty()) {
            // Assets may have been claimed since the first read: their temp files are the live run's.
            Set<Path> runningNow = store.assets(EnumSet.of(AssetState.RUNNING)).stream()
                    .map(a -> normal(Path.of(a.asset().output()))).collect(Collectors.toSet());
            for (Path temp : temps) {
                Path output = AtomicFiles.outputOfTemp(temp).orElse(null);
                List<AssetRecord> owners = output == null ? List.of() : byOutput.getOrDefault(output, List.of());
                boolean live = output != null && (runningNow.contains(output)
                        || owners.stream().anyMatch(a -> a.state() == AssetState.RUNNING));
                if (!live && Files.exists(temp)) {
                    findings.add(new Finding(Kind.TEMP, owners.isEmpty() ? null : owners.get(0).asset().id(), List.of(),
                            temp, "temp file of an attempt that did not commit"));
                }
            }
        }
        return findings;
    }

    /** A staging file is a leftover once every chunk of its output is done, or when no asset writes that output. */
    private static void checkStaging(Path staging, Map<Path, List<AssetRecord>> byOutput, List<Finding> findings) {
        Path output = AtomicFiles.outputOfStaging(staging).orElse(null);
        List<AssetRecord> group = output == null ? List.of() : byOutput.getOrDefault(output, List.of());
        if (group.isEmpty()) {
            findings.add(new Finding(Kind.STAGING, null, List.of(), staging, "staging file of an output no asset writes"));
        } else if (group.stream().allMatch(a -> a.state() == AssetState.DONE) && Files.exists(staging)) {
            findings.add(new Finding(Kind.STAGING, group.get(0).asset().id(), List.of(), staging,
                    "staging file left after every chunk of its output was done"));
        }
    }

    /** Checks the output written by {@code group} (one asset, or the chunks of one input). */
    private static void checkOutput(Path output, List<AssetRecord> group, List<Finding> findings) {
        List<AssetRecord> done = group.stream().filter(a -> a.state() == AssetState.DONE).toList();
        if (done.isEmpty() || done.size() < group.size() && group.size() > 1) {
            return; // chunks still to do: the output is not published yet, their work is in the staging file
        }
        if (group.size() == 1) {
            checkDone(group.get(0), findings);
            return;
        }
        List<String> ids = group.stream().map(a -> a.asset().id()).toList();
        // The chunk that published the output carries its checksum; the others carry none.
        AssetRecord publisher = done.stream().filter(a -> a.checksum() != null).reduce((a, b) -> b)
                .orElse(done.get(done.size() - 1));
        List<Finding> own = new ArrayList<>();
        checkDone(publisher, own);
        if (!own.isEmpty()) {
            Finding f = own.get(0);
            findings.add(new Finding(f.kind(), ids.get(0), ids, f.path(), f.detail()));
        }
    }

    private static void checkDone(AssetRecord a, List<Finding> findings) {
        Path output = normal(Path.of(a.asset().output()));
        if (!Files.isRegularFile(output)) {
            findings.add(new Finding(Kind.MISSING, a.asset().id(), output, "output file is missing"));
            return;
        }
        if (a.checksum() == null) {
            return;
        }
        try {
            String actual = AtomicFiles.checksum(output);
            if (!actual.equals(a.checksum())) {
                findings.add(new Finding(Kind.CHECKSUM, a.asset().id(), output,
                        "checksum " + actual + ", committed as " + a.checksum()));
            }
        } catch (NoSuchFileException e) {
            findings.add(new Finding(Kind.MISSING, a.asset().id(), output, "output file is missing"));
        } catch (IOException e) {
            findings.add(new Finding(Kind.CHECKSUM, a.asset().id(), output, "cannot be read: " + e));
        }
    }

    private static List<Path> walk(Path root, Set<Path> skip) {
        List<Path> files = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return files;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    return skip.contains(dir) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile() && !skip.contains(file)) {
                        files.add(file);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    // a temp file committed or removed by a live run while we walked
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new CliException(dev.cairn.engine.RunReport.RUNTIME_ERROR, "Cannot list " + root + ": " + e.getMessage() + ". Check its permissions.");
        }
        return files;
    }

    static Path normal(Path p) {
        return p.toAbsolutePath().normalize();
    }
}
