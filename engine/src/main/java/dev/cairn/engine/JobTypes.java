package dev.cairn.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * The job types on the class path: every {@link JobType} registered in
 * {@code META-INF/services/dev.cairn.engine.JobType}, in registration order. Immutable.
 */
public final class JobTypes {
    private final List<JobType> types;

    private JobTypes(List<JobType> types) {
        this.types = List.copyOf(types);
    }

    /** The types found by {@link ServiceLoader} on this class's class loader. */
    public static JobTypes load() {
        List<JobType> found = new ArrayList<>();
        ServiceLoader.load(JobType.class, JobTypes.class.getClassLoader()).forEach(found::add);
        return new JobTypes(found);
    }

    public List<String> kinds() {
        return types.stream().map(JobType::kind).toList();
    }

    public Optional<JobType> forKind(String kind) {
        return types.stream().filter(t -> t.kind().equals(kind)).findFirst();
    }

    /**
     * The job recorded in a checkpoint, bound to its type.
     *
     * @throws InvalidJobSpecException when no type of this kind is installed, or the spec is not
     *                                 a valid one of its kind
     */
    public Job open(JobSpec spec) throws InvalidJobSpecException {
        JobType type = forKind(spec.kind()).orElseThrow(() -> new InvalidJobSpecException("a '" + spec.kind()
                + "' job, which this version of cairn cannot run (it runs " + String.join(", ", kinds()) + " jobs)"));
        return type.open(spec);
    }
}
