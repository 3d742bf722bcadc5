package dev.cairn.cli.linecount;

import dev.cairn.engine.Asset;
import dev.cairn.engine.AssetProcessor;
import dev.cairn.engine.AtomicFiles;
import dev.cairn.engine.InvalidJobSpecException;
import dev.cairn.engine.Job;
import dev.cairn.engine.JobSpec;
import dev.cairn.engine.JobType;
import dev.cairn.engine.Outcome;
import dev.cairn.engine.OutputLayout;
import dev.cairn.engine.PlanningException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A job kind that is not {@code convert}, added as this one package plus one line in the test
 * resources' {@code META-INF/services/dev.cairn.engine.JobType}: it counts the lines of every
 * {@code .txt} file of a directory into {@code OUTDIR/NAME.count}. Its unit of progress is the
 * line. The operator commands run it unchanged (OperatorCommandsOnAnotherJobKindTest).
 */
public final class LineCountJobType implements JobType {
    public static final String KIND = "line-count";

    /** The spec of a job counting the lines of {@code in}'s .txt files into {@code out}. */
    public static JobSpec spec(Path in, Path out) {
        return new JobSpec(KIND, Map.of("inputs", in.toString(), "-o", out.toString()));
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public String unit() {
        return "lines";
    }

    @Override
    public Job open(JobSpec spec) throws InvalidJobSpecException {
        String in = spec.options().get("inputs");
        String out = spec.options().get("-o");
        if (in == null || out == null) {
            throw new InvalidJobSpecException("a line-count job without inputs or -o");
        }
        return new LineCount(this, spec, Path.of(in), Path.of(out));
    }

    private record LineCount(JobType type, JobSpec spec, Path in, Path out) implements Job {
        @Override
        public List<Asset> plan() throws PlanningException {
            List<Asset> assets = new ArrayList<>();
            try (Stream<Path> files = Files.list(in)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".txt")).sorted().toList()) {
                    String name = f.getFileName().toString();
                    assets.add(new Asset(name, f.toString(), null, out.resolve(name + ".count").toString(), Files.size(f),
                            Files.getLastModifiedTime(f).toMillis()));
                }
            } catch (IOException e) {
                throw new PlanningException("Cannot list " + in + ": " + e.getMessage());
            }
            return assets;
        }

        @Override
        public AssetProcessor processor() {
            return (asset, ctx) -> {
                long lines;
                try (Stream<String> s = Files.lines(Path.of(asset.input()))) {
                    lines = s.count();
                }
                Path output = Path.of(asset.output());
                Files.createDirectories(output.getParent());
                Path temp = AtomicFiles.tempFor(output, ctx.attempt());
                Files.writeString(temp, lines + "\n", StandardCharsets.UTF_8);
                ctx.progress(lines);
                return new Outcome(lines, 0, AtomicFiles.commit(temp, output));
            };
        }

        @Override
        public OutputLayout layout() {
            return new OutputLayout(out, List.of(".count"), List.of());
        }

        @Override
        public long estimate(Asset asset) {
            return asset.inputSize() / 10;
        }
    }
}
