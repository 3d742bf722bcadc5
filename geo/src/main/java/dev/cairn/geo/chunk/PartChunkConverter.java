package dev.cairn.geo.chunk;

import dev.cairn.engine.AssetFailure;
import dev.cairn.engine.AtomicFiles;
import dev.cairn.engine.ErrorClass;
import dev.cairn.engine.ProcessContext;
import dev.cairn.engine.PublishedMarkers;
import dev.cairn.geo.crs.CrsResolver;
import dev.cairn.geo.format.ChunkParts;
import dev.cairn.geo.format.ChunkSpec;
import dev.cairn.geo.format.FeatureCursor;
import dev.cairn.geo.format.FeatureSource;
import dev.cairn.geo.format.FormatProvider;
import dev.cairn.geo.format.LayerDef;
import dev.cairn.geo.gpkg.FidRangeSource;
import dev.cairn.geo.gpkg.GpkgChunkConverter;
import dev.cairn.geo.gpkg.GpkgConverter;
import dev.cairn.geo.gpkg.GpkgProvider;
import dev.cairn.geo.pipeline.FeatureConverter;
import dev.cairn.geo.pipeline.FeatureIssues;
import dev.cairn.geo.pipeline.FeatureTransformer;
import dev.cairn.geo.pipeline.GeometryPolicy;
import dev.cairn.geo.pipeline.TargetCrs;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One chunk of a huge layer into an output whose format writes chunk parts ({@link ChunkParts},
 * FlatGeobuf): the chunk's features — read (a GeoPackage layer by fid range, another format's
 * single layer by position), checked ({@code --on-invalid}, the CRS's domain) and reprojected by
 * {@link FeatureTransformer} exactly as an unchunked conversion does — are encoded in the output
 * format (on the transform pool, with the reprojection: {@link FeatureTransformer#copyEncoded}),
 * in parallel with the other chunks, into a part file of its own
 * ({@link PartFile}); the chunk that finds every part of its plan there merges them into the
 * output. No staging GeoPackage, no lock: the chunks of one file share nothing but a directory.
 *
 * <p><b>Protocol.</b> Files beside the output {@code NAME}, for the plan {@code KEY}:
 * <pre>
 *   .NAME.KEY.cairn-stage.part-K           the part of chunk K (K = 0 .. file chunks - 1)
 *   .NAME.KEY.cairn-stage.part-K.T.tmp     the same being written (T: attempt and a random token)
 *   .NAME.N.cairn-tmp                      the output being assembled (AtomicFiles.tempFor)
 *   OUTDIR/.cairn/published/KEY            the published mark (PublishedMarkers)
 * </pre>
 * <ol>
 *   <li>A chunk writes its part under the temp name, fsyncs it, renames it to the part name and
 *       fsyncs the directory. The rename is the chunk's exactly-once commit: a part file that
 *       exists is whole, and holds exactly the chunk's features (its trailer: each feature's box,
 *       offset and length, the count, a CRC-32C). A chunk redone rewrites identical content (same
 *       input, same plan key, same options: the same bytes) over it.</li>
 *   <li>Then it looks for every part of the plan. Not all there: done (the last chunk assembles).
 *       All there: it opens them all, and assembles header (the layer as the unchunked conversion
 *       hands it to the format's sink; extent and count from the trailers), index and features
 *       copied in index order into a temp file, fsynced ({@link ChunkParts#assemble}); writes the
 *       published mark; publishes the temp file ({@link FormatProvider#publishOutput}: fsync,
 *       rename, directory fsync); then deletes the parts, the temp files of assemblers killed
 *       earlier and the staging files of other plans ({@link AtomicFiles#removeStaleStaging}).</li>
 *   <li>The published mark tells what happened: mark, output, and not every part there means the
 *       parts were being deleted after a publication, because the mark is written only once every
 *       part is there and parts are deleted only after the output is published. A chunk that finds
 *       that state, before writing its part or after, is done: it deletes what is left of the
 *       parts (its own included) and starts no new staging.</li>
 * </ol>
 *
 * <p><b>Crashes</b> (and {@code kill -9}), one by one:
 * <ul>
 *   <li><i>Killed before the part's rename</i>: only a temp part is left; the chunk is not done in
 *       the checkpoint and is redone, writing a temp of its own (another token) and renaming it.
 *       The dead temp is deleted with the parts once the file is published.</li>
 *   <li><i>Killed after the rename, before the checkpoint</i>: the part is there; the redone chunk
 *       rewrites the same bytes over it, and assembles if every part is there. No feature is lost
 *       or doubled: a part holds its chunk's features once, whichever attempt wrote it.</li>
 *   <li><i>Killed during assembly</i> (before the publication): parts untouched, the output
 *       untouched (old or absent), maybe a temp output and the mark; the chunk is redone, finds
 *       every part, assembles again and publishes; the dead temp output goes after that
 *       ({@link AtomicFiles#removeLeftovers}).</li>
 *   <li><i>Killed after the publication, before the parts are deleted</i> (all or some): the output
 *       is complete under its name. The redone chunk finds the mark and the output: with every
 *       part still there it assembles and publishes the same bytes again; with some gone it is
 *       done and deletes the rest.</li>
 *   <li><i>Two chunks finishing at once</i> (or <i>two processes on one output</i>, a claim taken
 *       over after its lease expired): both may find every part and assemble, each into its own
 *       temp (named by chunk index and attempt), to identical results; publishing is an atomic
 *       rename, so the output is either one's or the other's, the same bytes. One that finds the
 *       parts gone when it opens them, or its temp removed by the other's clean-up, checks the
 *       mark: published, it is done; otherwise it fails as a transient error and is retried. Two
 *       writers of one part each write their own temp and rename it: either whole part wins.</li>
 * </ul>
 *
 * <p><b>Scale-out.</b> Everything here is files in the output's directory, atomic renames and
 * existence checks: no SQLite lock on the shared storage (which a staging GeoPackage needs, and
 * network file systems do not give reliably). Workers on several machines writing to one shared
 * output directory (the multi-machine mode with a PostgreSQL checkpoint) can run the same protocol
 * as the threads of one process.
 *
 * <p>Leftovers of a plan that no longer applies (a changed input gets a new key) are deleted by
 * the next publication of the output ({@link AtomicFiles#removeStaleStaging} matches parts, as
 * {@code .NAME.KEY.cairn-stage*}); {@code cairn verify} reports parts and temp parts as staging
 * files when every chunk of the output is done, and {@code reset --all} / {@code verify --repair}
 * clear the mark, so the next run rewrites every part and the output. ({@code --fresh} with other
 * options is another job: another fingerprint, so another plan key and other part names; with the
 * same options it resumes.)
 */
final class PartChunkConverter {
    private static final Logger LOG = LoggerFactory.getLogger(PartChunkConverter.class);
    private static final GpkgProvider GPKG = new GpkgProvider();

    private PartChunkConverter() {
    }

    /**
     * Writes the part of {@code chunk} and, when it completes the plan, assembles and publishes
     * the output.
     *
     * @param inputFormat the input's format for a position chunk; null for a fid chunk of a GeoPackage
     * @param publishedMark the plan's published mark (see the class comment)
     */
    static GpkgChunkConverter.Result convert(Path input, FormatProvider inputFormat, Path output, ChunkSpec chunk,
            GpkgConverter.Options options, ProcessContext ctx, FormatProvider outputFormat, ChunkParts parts,
            Path publishedMark) throws AssetFailure {
        if (chunk.fileChunks() != chunk.layerChunks() || chunk.byPosition() != (inputFormat != null)) {
            throw AssetFailure.permanent(ErrorClass.INTERNAL, output + ": chunk " + chunk.toPart()
                    + " cannot be written as a part of a single-layer file; this is a bug in cairn");
        }
        TargetCrs target = TargetCrs.of(options.targetCrs());
        FeatureIssues issues = new FeatureIssues();
        List<Path> all = partsOf(output, chunk);
        LayerDef out;
        long features;
        try (FeatureSource source = inputFormat == null ? GPKG.open(input) : inputFormat.open(input)) {
            List<LayerDef> layers = source.layers();
            int index = layerIndex(layers, chunk);
            if (index < 0) {
                throw AssetFailure.permanent(ErrorClass.FORMAT, input + ": layer '" + chunk.layer()
                        + "' is gone (it was there when the job was planned); run the command again to re-plan");
            }
            LayerDef in = layers.get(index);
            CrsResolver.Operation op = in.hasGeometry() ? FeatureConverter.operation(input, in, source.extent(index),
                    options.assumeCrs(), options.expectCrs(), target.crs(), options.allowBallpark()) : null;
            if (op != null && chunk.index() == 0) {
                issues.ballpark(input, in.name(), op); // once per layer: with its first chunk
            }
            out = in.inCrs(target.crs(), target.code());
            if (publishedBefore(publishedMark, output, all)) {
                removeParts(output, chunk);
                long planned = inputFormat == null
                        ? ((FidRangeSource) source).countByFid(index, chunk.fidFrom(), chunk.fidTo())
                        : FeatureChunkConverter.planned(chunk, in);
                return new GpkgChunkConverter.Result(planned, true, checksum(output), issues);
            }
            FeatureTransformer transformer = op == null
                    ? new FeatureTransformer(null, () -> null, null, null, issues, input, in.name(), target.code())
                    : new FeatureTransformer(op, options.onInvalid() == null ? null
                            : new GeometryPolicy(options.onInvalid()), issues, input, in.name(), target.code());
            try (FeatureCursor cursor = inputFormat == null
                    ? ((FidRangeSource) source).cursorByFid(index, chunk.fidFrom(), chunk.fidTo())
                    : source.cursor(0, chunk.fidFrom(), chunk.fidTo() == null ? -1 : chunk.fidTo() - chunk.fidFrom())) {
                features = writePart(all.get(chunk.index()), output, ctx, () -> parts.encoder(out, output), transformer,
                        cursor);
            }
            if (!in.hasGeometry()) {
                FeatureConverter.reportAttributeTable(input, in.name(), features);
            }
        }
        return complete(output, chunk, out, all, outputFormat, parts, ctx, publishedMark, features, issues);
    }

    private static int layerIndex(List<LayerDef> layers, ChunkSpec chunk) {
        if (chunk.byPosition()) {
            return layers.size() == 1 && layers.get(0).name().equals(chunk.layer()) ? 0 : -1;
        }
        for (int i = 0; i < layers.size(); i++) {
            if (layers.get(i).name().equals(chunk.layer())) {
                return i;
            }
        }
        return -1;
    }

    /** Writes, fsyncs and renames the chunk's part (the chunk's commit); returns the features in it. */
    private static long writePart(Path part, Path output, ProcessContext ctx, Supplier<ChunkParts.Encoder> encoders,
            FeatureTransformer transformer, FeatureCursor cursor) throws AssetFailure {
        Path temp = part.resolveSibling(part.getFileName() + "." + ctx.attempt() + "-"
                + Integer.toHexString(ThreadLocalRandom.current().nextInt()) + ".tmp");
        boolean renamed = false;
        try {
            long features;
            try (PartFile.Writer writer = new PartFile.Writer(temp)) {
                features = transformer.copyEncoded(cursor, encoders, (bytes, envelope) -> {
                    try {
                        writer.add(bytes, envelope);
                    } catch (IOException e) {
                        throw cannotWrite(output, temp, e);
                    }
                }, ctx);
                writer.finish();
            }
            Files.move(temp, part, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            renamed = true;
            AtomicFiles.fsyncDirectory(part.toAbsolutePath().getParent());
            return features;
        } catch (IOException e) {
            throw cannotWrite(output, temp, e);
        } finally {
            if (!renamed) {
                deleteQuietly(temp);
            }
        }
    }

    /** After the chunk's part is in: assembles and publishes the output when every part is there. */
    private static GpkgChunkConverter.Result complete(Path output, ChunkSpec chunk, LayerDef out, List<Path> all,
            FormatProvider outputFormat, ChunkParts parts, ProcessContext ctx, Path publishedMark, long features,
            FeatureIssues issues) throws AssetFailure {
        try {
            if (!allThere(all)) {
                if (publishedBefore(publishedMark, output, all)) {
                    removeParts(output, chunk); // published while this chunk wrote: its part is a leftover
                    return new GpkgChunkConverter.Result(features, true, checksum(output), issues);
                }
                return new GpkgChunkConverter.Result(features, false, null, issues);
            }
            Path temp = AtomicFiles.tempFor(output, 1000 * (chunk.index() + 1) + ctx.attempt());
            boolean published = false;
            String checksum;
            long t0 = System.nanoTime();
            try (PartFile.Sequence records = PartFile.Sequence.open(all)) {
                long t1 = System.nanoTime();
                parts.assemble(out, records, temp);
                long t2 = System.nanoTime();
                PublishedMarkers.mark(publishedMark, output);
                checksum = outputFormat.publishOutput(temp, output, records.count());
                published = true;
                LOG.debug("{}: {} features merged from {} parts: parts opened and checked in {} ms, assembled in {} ms,"
                        + " published in {} ms", output, records.count(), all.size(), (t1 - t0) / 1_000_000,
                        (t2 - t1) / 1_000_000, (System.nanoTime() - t2) / 1_000_000);
            } catch (NoSuchFileException gone) {
                if (publishedBefore(publishedMark, output, all)) { // another assembler went first
                    return new GpkgChunkConverter.Result(features, true, checksum(output), issues);
                }
                throw gone;
            } catch (PartFile.PartFileCorruptException corrupt) {
                throw AssetFailure.permanent(ErrorClass.INTERNAL, corrupt.getMessage() + "; run 'cairn reset --all'"
                        + " on the job's output directory, then the command again: every chunk then rewrites its part",
                        corrupt);
            } finally {
                if (!published) {
                    deleteQuietly(temp);
                }
            }
            removeParts(output, chunk);
            AtomicFiles.removeLeftovers(output); // temp outputs of assemblers killed earlier
            AtomicFiles.removeStaleStaging(output, chunk.planKey());
            return new GpkgChunkConverter.Result(features, true, checksum, issues);
        } catch (IOException e) {
            throw AssetFailure.transientFailure(ErrorClass.IO, output + ": cannot assemble and publish the output ("
                    + e + ")", e);
        }
    }

    /** The part files of every chunk of the plan, by chunk index. */
    static List<Path> partsOf(Path output, ChunkSpec chunk) {
        String prefix = partPrefix(output, chunk);
        List<Path> parts = new ArrayList<>(chunk.fileChunks());
        for (int k = 0; k < chunk.fileChunks(); k++) {
            parts.add(output.resolveSibling(prefix + k));
        }
        return parts;
    }

    /** {@code .NAME.KEY.cairn-stage.part-}: the staging name of the plan, so staging clean-ups cover its parts. */
    private static String partPrefix(Path output, ChunkSpec chunk) {
        return AtomicFiles.stagingFor(output, chunk.planKey()).getFileName() + ".part-";
    }

    /** The plan's output was published and its parts are (being) deleted: see the class comment. */
    private static boolean publishedBefore(Path mark, Path output, List<Path> all) {
        return Files.exists(mark) && Files.isRegularFile(output) && !allThere(all);
    }

    private static boolean allThere(List<Path> all) {
        return all.stream().allMatch(Files::isRegularFile);
    }

    /** Deletes the plan's parts and temp parts (of any attempt). */
    private static void removeParts(Path output, ChunkSpec chunk) throws AssetFailure {
        String prefix = partPrefix(output, chunk);
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(output.toAbsolutePath().getParent(),
                p -> p.getFileName().toString().startsWith(prefix))) {
            for (Path p : entries) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw AssetFailure.transientFailure(ErrorClass.IO, output + ": cannot delete the chunks' part files (" + e
                    + ")", e);
        }
    }

    private static String checksum(Path output) throws AssetFailure {
        try {
            return AtomicFiles.checksum(output);
        } catch (IOException e) {
            throw AssetFailure.transientFailure(ErrorClass.IO, output + ": cannot read the output (" + e + ")", e);
        }
    }

    private static AssetFailure cannotWrite(Path output, Path temp, IOException e) {
        return AssetFailure.transientFailure(ErrorClass.IO, output + ": cannot write the chunk's part file "
                + temp.getFileName() + " (" + e.getMessage() + ")", e);
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a leftover temp goes with the parts once the file is published
        }
    }
}
