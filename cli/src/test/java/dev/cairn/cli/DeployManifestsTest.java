package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.BeanDeserializerBuilder;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyOnExitCodesRequirement;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyOnPodConditionsPattern;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyRule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes manifests of {@code deploy/k8s/} checked against Kubernetes' schemas and against
 * what cairn needs from them (deploy/README.md).
 *
 * <p>Every YAML file there is parsed into fabric8's model classes (generated from Kubernetes'
 * OpenAPI schema) by its {@code apiVersion} and {@code kind}, strictly: a field the schema does not
 * have, a key given twice, or a number where Kubernetes wants a string (an env {@code value: 4},
 * which the API server refuses) fails the parse. The trap: fabric8's classes collect unknown fields
 * into {@code additionalProperties} through a {@code @JsonAnySetter}, so Jackson's
 * {@code FAIL_ON_UNKNOWN_PROPERTIES} alone would let every misspelt field through; the mapper here
 * removes those any-setters ({@link #STRICT}). The check cannot validate what the schema types only
 * as strings (an action {@code FailJob}, an operator {@code In}); the contract tests below assert
 * those values exactly.
 *
 * <p>The contract: the workers are an Indexed Job with {@code completions == parallelism} whose
 * pods run {@code cairn worker --store --job}; the store URL comes from the Secret; the data is on
 * the ReadWriteMany claim; the grace period leaves time for a graceful stop; the
 * {@code podFailurePolicy} maps exactly cairn's exit codes (README "Exit codes").
 */
class DeployManifestsTest {
    /** The manifests, from the cli module's directory (Maven runs tests there). */
    private static final Path K8S = Path.of("..", "deploy", "k8s");

    private static final Map<String, Class<? extends HasMetadata>> KINDS = Map.of(
            "batch/v1 Job", Job.class,
            "v1 Secret", Secret.class,
            "v1 PersistentVolumeClaim", PersistentVolumeClaim.class);

    /** YAML into Kubernetes' model classes, rejecting what the API server would not accept. */
    private static final ObjectMapper STRICT = strictMapper();

    private static Map<String, HasMetadata> manifests;

    private static ObjectMapper strictMapper() {
        SimpleModule noAnySetters = new SimpleModule("no-additional-properties");
        noAnySetters.setDeserializerModifier(new BeanDeserializerModifier() {
            @Override
            public BeanDeserializerBuilder updateBuilder(
                    DeserializationConfig config, BeanDescription description, BeanDeserializerBuilder builder) {
                builder.setAnySetter(null);
                builder.setIgnoreUnknownProperties(false);
                return builder;
            }
        });
        ObjectMapper mapper = new ObjectMapper(new YAMLFactory())
                .registerModule(noAnySetters)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        mapper.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Boolean).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
        return mapper;
    }

    /** Every document of one YAML text, each as the model class its apiVersion and kind name. */
    static List<HasMetadata> parse(String yaml, String source) throws IOException {
        List<HasMetadata> resources = new ArrayList<>();
        try (var documents = STRICT.readerFor(JsonNode.class).<JsonNode>readValues(yaml)) {
            while (documents.hasNext()) {
                JsonNode document = documents.next();
                if (document == null || document.isMissingNode() || document.isNull()) {
                    continue;
                }
                String type = document.path("apiVersion").asText() + " " + document.path("kind").asText();
                Class<? extends HasMetadata> modelClass = KINDS.get(type);
                if (modelClass == null) {
                    throw new IllegalArgumentException(source + ": apiVersion and kind '" + type
                            + "' are none this test knows (" + new TreeSet<>(KINDS.keySet()) + ")");
                }
                resources.add(STRICT.treeToValue(document, modelClass));
            }
        }
        return resources;
    }

    @BeforeAll
    static void readEveryManifest() throws IOException {
        Map<String, HasMetadata> byKindAndName = new TreeMap<>();
        List<Path> files;
        try (Stream<Path> listing = Files.list(K8S)) {
            files = listing.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
                    .sorted()
                    .toList();
        }
        for (Path file : files) {
            List<HasMetadata> resources;
            try {
                resources = parse(Files.readString(file), file.getFileName().toString());
            } catch (JacksonException e) {
                throw new AssertionError(file + " does not match Kubernetes' schema: " + e.getMessage(), e);
            }
            for (HasMetadata resource : resources) {
                String key = resource.getKind() + "/" + resource.getMetadata().getName();
                assertThat(byKindAndName.put(key, resource)).as("%s defined twice (again in %s)", key, file).isNull();
            }
        }
        manifests = byKindAndName;
    }

    private static <T extends HasMetadata> T manifest(Class<T> type, String name) {
        HasMetadata resource = manifests.get(type.getSimpleName() + "/" + name);
        assertThat(resource).as("%s %s in %s (have %s)", type.getSimpleName(), name, K8S, manifests.keySet())
                .isInstanceOf(type);
        return type.cast(resource);
    }

    private static List<Job> jobs() {
        return manifests.values().stream().filter(Job.class::isInstance).map(Job.class::cast).toList();
    }

    private static Container onlyContainer(Job job) {
        List<Container> containers = job.getSpec().getTemplate().getSpec().getContainers();
        assertThat(containers).as("containers of Job %s", job.getMetadata().getName()).hasSize(1);
        return containers.get(0);
    }

    private static EnvVar env(Container container, String name) {
        return container.getEnv().stream().filter(e -> e.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("container " + container.getName() + " has no env " + name));
    }

    @Test
    void everyManifestParsesIntoKubernetesModelClassesWithNoUnknownField() {
        assertThat(manifests.keySet()).containsExactlyInAnyOrder(
                "Job/cairn-plan", "Job/cairn-workers", "PersistentVolumeClaim/cairn-data", "Secret/cairn-store");
        assertThat(manifests.values()).allSatisfy(m -> assertThat(m.getMetadata().getLabels())
                .containsEntry("app.kubernetes.io/name", "cairn"));
    }

    @Test
    void aMisspeltFieldAnywhereInAManifestIsRejectedNamingTheField() throws IOException {
        String misspelt = """
                apiVersion: batch/v1
                kind: Job
                metadata:
                  name: typo
                spec:
                  template:
                    spec:
                      restartPolicy: Never
                      terminationGracePeriodSecond: 180
                      containers:
                        - name: cairn
                          image: cairn
                """;
        assertThatThrownBy(() -> parse(misspelt, "typo.yaml"))
                .isInstanceOf(UnrecognizedPropertyException.class)
                .hasMessageContaining("\"terminationGracePeriodSecond\"")
                .hasMessageContaining("PodSpec");
        // The same text with the field spelt right parses: the rejection is the misspelling's.
        assertThat(parse(misspelt.replace("terminationGracePeriodSecond:", "terminationGracePeriodSeconds:"), "ok.yaml"))
                .singleElement().isInstanceOf(Job.class);
    }

    @Test
    void aNumberWhereKubernetesWantsAStringAndAKeyGivenTwiceAreRejected() {
        String numberValue = """
                apiVersion: v1
                kind: Secret
                metadata:
                  name: s
                stringData:
                  port: 5432
                """;
        assertThatThrownBy(() -> parse(numberValue, "s.yaml")).isInstanceOf(MismatchedInputException.class);
        String twice = """
                apiVersion: v1
                kind: Secret
                metadata:
                  name: s
                  name: t
                """;
        assertThatThrownBy(() -> parse(twice, "t.yaml")).hasMessageContaining("Duplicate field 'name'");
        assertThatThrownBy(() -> parse("apiVersion: v1\nkind: ConfigMapp\nmetadata: {name: c}\n", "c.yaml"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("c.yaml: apiVersion and kind 'v1 ConfigMapp'");
    }

    @Test
    void theWorkersAreAnIndexedJobWithAsManyCompletionsAsParallelPodsAndPerIndexRetries() {
        JobSpec spec = manifest(Job.class, "cairn-workers").getSpec();
        assertThat(spec.getCompletionMode()).isEqualTo("Indexed");
        assertThat(spec.getCompletions()).isPositive().isEqualTo(spec.getParallelism());
        assertThat(spec.getBackoffLimitPerIndex()).isPositive();
        assertThat(spec.getTemplate().getSpec().getRestartPolicy()).isEqualTo("Never");
    }

    @Test
    void everyJobFailsOnUsageCrsFormatAndPartialExitsCountsExitOneAndIgnoresDisruptions() {
        assertThat(jobs()).hasSize(2).allSatisfy(job -> {
            String name = job.getMetadata().getName();
            // podFailurePolicy is accepted only with restartPolicy Never, and a replacement pod
            // must not start before the failed one has finished its graceful stop.
            assertThat(job.getSpec().getTemplate().getSpec().getRestartPolicy()).as(name).isEqualTo("Never");
            assertThat(job.getSpec().getPodReplacementPolicy()).as(name).isEqualTo("Failed");
            List<PodFailurePolicyRule> rules = job.getSpec().getPodFailurePolicy().getRules();
            String container = onlyContainer(job).getName();

            // Rules apply in order, first match wins: a disrupted pod is ignored whatever its exit code.
            PodFailurePolicyRule first = rules.get(0);
            assertThat(first.getAction()).as(name).isEqualTo("Ignore");
            assertThat(first.getOnExitCodes()).as(name).isNull();
            assertThat(first.getOnPodConditions()).as(name).singleElement().satisfies(condition -> {
                PodFailurePolicyOnPodConditionsPattern pattern = condition;
                assertThat(pattern.getType()).isEqualTo("DisruptionTarget");
                assertThat(pattern.getStatus()).isEqualTo("True");
            });

            Map<Integer, String> actionByExitCode = new TreeMap<>();
            for (PodFailurePolicyRule rule : rules.subList(1, rules.size())) {
                assertThat(rule.getOnPodConditions()).as(name).isNullOrEmpty();
                PodFailurePolicyOnExitCodesRequirement codes = rule.getOnExitCodes();
                assertThat(codes.getOperator()).as(name).isEqualTo("In");
                assertThat(codes.getContainerName()).as(name).isEqualTo(container);
                for (Integer code : codes.getValues()) {
                    assertThat(actionByExitCode.put(code, rule.getAction())).as("%s: exit %d in two rules", name, code)
                            .isNull();
                }
            }
            assertThat(actionByExitCode).as(name).isEqualTo(Map.of(
                    1, "Count", 2, "FailJob", 10, "FailJob", 11, "FailJob", 12, "FailJob"));
        });
    }

    @Test
    void theStoreUrlAndPasswordComeFromTheSecretAndEveryKeyTheJobsReadIsInIt() {
        Secret secret = manifest(Secret.class, "cairn-store");
        Set<String> keys = new TreeSet<>();
        if (secret.getStringData() != null) {
            keys.addAll(secret.getStringData().keySet());
        }
        if (secret.getData() != null) {
            keys.addAll(secret.getData().keySet());
        }
        assertThat(secret.getStringData()).hasEntrySatisfying("url", url -> assertThat(url).startsWith("postgresql://"));
        for (Job job : jobs()) {
            Container container = onlyContainer(job);
            SecretKeySelector store = env(container, "CAIRN_STORE").getValueFrom().getSecretKeyRef();
            assertThat(store.getName()).isEqualTo("cairn-store");
            assertThat(store.getKey()).isEqualTo("url");
            assertThat(env(container, "PGPASSWORD").getValueFrom().getSecretKeyRef().getName()).isEqualTo("cairn-store");
            List<SecretKeySelector> refs = container.getEnv().stream()
                    .filter(e -> e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null)
                    .map(e -> e.getValueFrom().getSecretKeyRef())
                    .toList();
            assertThat(refs).allSatisfy(ref -> {
                assertThat(ref.getName()).isEqualTo("cairn-store");
                assertThat(keys).as("keys of Secret cairn-store").contains(ref.getKey());
            });
        }
    }

    @Test
    void everyJobMountsTheReadWriteManyDataClaimAtDataAndAWritableTmp() {
        PersistentVolumeClaim claim = manifest(PersistentVolumeClaim.class, "cairn-data");
        assertThat(claim.getSpec().getAccessModes()).containsExactly("ReadWriteMany");
        assertThat(claim.getSpec().getResources().getRequests()).containsKey("storage");
        for (Job job : jobs()) {
            PodSpec pod = job.getSpec().getTemplate().getSpec();
            Map<String, Volume> volumes = pod.getVolumes().stream().collect(Collectors.toMap(Volume::getName, v -> v));
            Map<String, String> mounts = onlyContainer(job).getVolumeMounts().stream()
                    .collect(Collectors.toMap(VolumeMount::getMountPath, VolumeMount::getName));
            assertThat(volumes).as("volumes of %s", job.getMetadata().getName()).containsKeys(mounts.values().toArray(String[]::new));
            assertThat(volumes.get(mounts.get("/data")).getPersistentVolumeClaim().getClaimName()).isEqualTo("cairn-data");
            // The root file system is read-only; Java, SQLite and the EPSG cache write under /tmp.
            assertThat(onlyContainer(job).getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
            assertThat(volumes.get(mounts.get("/tmp")).getEmptyDir()).isNotNull();
        }
    }

    @Test
    void everyPodIsGivenTwoMinutesAtLeastToStopGracefullyAsANonRootUser() {
        assertThat(jobs()).allSatisfy(job -> {
            PodSpec pod = job.getSpec().getTemplate().getSpec();
            assertThat(pod.getTerminationGracePeriodSeconds()).as(job.getMetadata().getName()).isGreaterThanOrEqualTo(120L);
            assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
            assertThat(pod.getSecurityContext().getRunAsUser()).isPositive();
        });
    }

    @Test
    void theWorkerContainerRunsCairnWorkerWithStoreAndJobFromItsEnvironment() {
        Container worker = onlyContainer(manifest(Job.class, "cairn-workers"));
        // No command: the image's ENTRYPOINT (java with the launcher's options) stays in force.
        assertThat(worker.getCommand()).isNullOrEmpty();
        List<String> args = worker.getArgs();
        assertThat(args.get(0)).isEqualTo("worker");
        assertThat(args.get(args.indexOf("--store") + 1)).isEqualTo("$(CAIRN_STORE)");
        assertThat(args.get(args.indexOf("--job") + 1)).isEqualTo("$(CAIRN_JOB)");
        assertThat(env(worker, "CAIRN_JOB").getValue()).isNotBlank();
        assertEveryReferenceIsDefined(worker);
    }

    @Test
    void thePlanningJobConvertsIntoTheSameStore() {
        Container plan = onlyContainer(manifest(Job.class, "cairn-plan"));
        assertThat(plan.getCommand()).isNullOrEmpty();
        List<String> args = plan.getArgs();
        assertThat(args.get(0)).isEqualTo("convert");
        assertThat(args).contains("-o");
        assertThat(args.get(args.indexOf("--store") + 1)).isEqualTo("$(CAIRN_STORE)");
        assertEveryReferenceIsDefined(plan);
    }

    /** Kubernetes leaves a $(NAME) whose variable the container does not define as literal text. */
    private static void assertEveryReferenceIsDefined(Container container) {
        Set<String> defined = container.getEnv().stream().map(EnvVar::getName).collect(Collectors.toSet());
        Matcher reference = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)").matcher(String.join(" ", container.getArgs()));
        while (reference.find()) {
            assertThat(defined).as("env of container %s", container.getName()).contains(reference.group(1));
        }
    }

    @Test
    void theWorkerIdentityIsItsCompletionIndex() {
        EnvVar index = env(onlyContainer(manifest(Job.class, "cairn-workers")), "CAIRN_WORKER_INDEX");
        assertThat(index.getValueFrom().getFieldRef().getFieldPath())
                .isEqualTo("metadata.annotations['batch.kubernetes.io/job-completion-index']");
    }

    @Test
    void theMemoryLimitIsTheRequestAndLeavesAtLeastHalfBesideTheJvmHeap() {
        Pattern xmx = Pattern.compile("-Xmx(\\d+)([kKmMgG])");
        assertThat(jobs()).allSatisfy(job -> {
            Container container = onlyContainer(job);
            Matcher heap = xmx.matcher(env(container, "CAIRN_JAVA_OPTS").getValue());
            assertThat(heap.find()).as("-Xmx in CAIRN_JAVA_OPTS of %s", job.getMetadata().getName()).isTrue();
            long heapBytes = Long.parseLong(heap.group(1)) << switch (heap.group(2).toLowerCase()) {
                case "k" -> 10;
                case "m" -> 20;
                default -> 30;
            };
            Quantity limit = container.getResources().getLimits().get("memory");
            assertThat(container.getResources().getRequests().get("memory")).isEqualTo(limit);
            assertThat(Quantity.getAmountInBytes(limit)).isGreaterThanOrEqualTo(BigDecimal.valueOf(2 * heapBytes));
            assertThat(container.getResources().getLimits()).containsKey("cpu");
        });
    }

    @Test
    void theImageRunsJavaWithTheLaunchersOptionsFileAndDefaultOptionsAndTheManifestsKeepThem() {
        String launcher = read(Path.of("..", "cairn"));
        Matcher defaults = Pattern.compile("\\$\\{CAIRN_JAVA_OPTS:-([^}]*)}").matcher(launcher);
        assertThat(defaults.find()).as("the launcher's default JVM options").isTrue();
        String containerfile = read(Path.of("..", "deploy", "Containerfile"));
        String entrypoint = containerfile.lines().filter(l -> l.startsWith("ENTRYPOINT")).findFirst().orElseThrow();
        assertThat(launcher).as("the launcher reads cli/jvm.options before CAIRN_JAVA_OPTS")
                .contains("opts_file=(@\"$here/cli/jvm.options\")")
                .contains("exec java ${opts_file[@]+\"${opts_file[@]}\"} ${CAIRN_JAVA_OPTS:-");
        assertThat(containerfile).contains("COPY --from=build /src/cli/jvm.options /opt/cairn/jvm.options");
        assertThat(entrypoint).contains("exec java @/opt/cairn/jvm.options ${CAIRN_JAVA_OPTS:-" + defaults.group(1) + "}",
                "-XX:+ExitOnOutOfMemoryError", "-XX:SharedArchiveFile=/opt/cairn/cairn.jsa", "-jar /opt/cairn/cairn.jar");
        assertThat(containerfile).contains("USER 10001");
        assertThat(jobs()).allSatisfy(job -> assertThat(env(onlyContainer(job), "CAIRN_JAVA_OPTS").getValue())
                .isEqualTo(defaults.group(1)));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
