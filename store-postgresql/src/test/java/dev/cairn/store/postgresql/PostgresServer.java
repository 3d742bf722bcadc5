package dev.cairn.store.postgresql;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A throwaway PostgreSQL cluster for the tests, as a JUnit 5 extension: {@code @ExtendWith(PostgresServer.class)}
 * starts one cluster per test JVM (the first class that needs it) and JUnit stops it, and deletes
 * its directory, when the run ends; {@link #cluster()} then gives it. The cluster is made with the
 * Debian server binaries ({@code /usr/lib/postgresql/VERSION/bin}, newest version): {@code initdb}
 * and {@code pg_ctl}, run as the {@code postgres} user through {@code runuser} when the tests run as
 * root (initdb refuses root), on a free port on 127.0.0.1, socket and data in a temp directory,
 * {@code fsync=off} (nothing here must survive a power cut; commits still reach the WAL before
 * they return, so an immediate stop, like a crash of the server process, loses none).
 *
 * <p>Without the binaries the tests are skipped with a message saying so, unless
 * {@code CAIRN_REQUIRE_POSTGRES=1}: then they fail.
 */
public final class PostgresServer implements BeforeAllCallback {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(PostgresServer.class);

    private static volatile Cluster current;

    @Override
    public void beforeAll(ExtensionContext context) {
        current = context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(Cluster.class, k -> Cluster.start(), Cluster.class);
    }

    /** The running cluster (after {@link #beforeAll}). */
    public static Cluster cluster() {
        if (current == null) {
            throw new IllegalStateException("Annotate the test class with @ExtendWith(PostgresServer.class)");
        }
        return current;
    }

    /** The newest installed server's bin directory, or null. */
    static Path binaries() {
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            return null;
        }
        try (Stream<Path> versions = Files.list(root)) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("pg_ctl")))
                    .max(Comparator.comparingInt(b -> versionOf(b.getParent().getFileName().toString())))
                    .orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    private static int versionOf(String name) {
        try {
            return Integer.parseInt(name);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** One running cluster; closed (stopped and deleted) by JUnit at the end of the run. */
    public static final class Cluster implements AutoCloseable {
        private final Path bin;
        private final Path dir;
        private final int port;
        private final boolean asPostgresUser;
        private final AtomicInteger databases = new AtomicInteger();

        private Cluster(Path bin, Path dir, int port, boolean asPostgresUser) {
            this.bin = bin;
            this.dir = dir;
            this.port = port;
            this.asPostgresUser = asPostgresUser;
        }

        static Cluster start() {
            Path bin = binaries();
            if (bin == null) {
                String message = "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin"
                        + " (Debian: apt-get install postgresql); skipping the PostgreSQL store tests";
                if ("1".equals(System.getenv("CAIRN_REQUIRE_POSTGRES"))) {
                    throw new IllegalStateException(message.replace("skipping", "required by CAIRN_REQUIRE_POSTGRES=1 for"));
                }
                Assumptions.abort(message);
            }
            boolean root = "root".equals(System.getProperty("user.name"));
            try {
                Path dir = Files.createTempDirectory("cairn-pg");
                if (root) {
                    exec(List.of("chown", "postgres", dir.toString()));
                }
                Cluster cluster = new Cluster(bin, dir, freePort(), root);
                cluster.pg(List.of(bin.resolve("initdb").toString(), "-D", dir.resolve("data").toString(),
                        "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"));
                cluster.ctl("start");
                return cluster;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Restarts the server (fast shutdown: sessions are cut, as in a crash or failover). */
        public void restart() {
            ctl("restart");
        }

        /** Stops the server at once (sessions cut), without starting it again. */
        public void stop() {
            pg(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "immediate",
                    "-w", "stop"));
        }

        public void startAgain() {
            ctl("start");
        }

        private void ctl(String action) {
            pg(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-l",
                    dir.resolve("log").toString(), "-m", "fast", "-w", "-o",
                    "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off"
                            + " -c max_connections=200",
                    action));
        }

        /** A new, empty database; its store URL ({@code postgresql://...}). */
        public String newDatabase() {
            String name = "t" + databases.incrementAndGet();
            try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), properties());
                 Statement st = c.createStatement()) {
                st.execute("CREATE DATABASE " + name + " TEMPLATE template0 STRATEGY FILE_COPY");
            } catch (SQLException e) {
                throw new IllegalStateException("Cannot create test database " + name + ": " + e.getMessage(), e);
            }
            return url(name);
        }

        public String url(String database) {
            return "postgresql://127.0.0.1:" + port + "/" + database + "?user=postgres";
        }

        public String jdbcUrl(String database) {
            return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
        }

        static Properties properties() {
            Properties p = new Properties();
            p.setProperty("user", "postgres");
            return p;
        }

        @Override
        public void close() throws IOException {
            try {
                stop();
            } finally {
                try (Stream<Path> files = Files.walk(dir)) {
                    for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        }

        private void pg(List<String> command) {
            List<String> full = new ArrayList<>();
            if (asPostgresUser) {
                full.addAll(List.of("runuser", "-u", "postgres", "--"));
            }
            full.addAll(command);
            exec(full);
        }

        private static void exec(List<String> command) {
            try {
                Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes());
                if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                    throw new IllegalStateException("Command failed: " + String.join(" ", command) + "\n" + out);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        private static int freePort() throws IOException {
            try (ServerSocket s = new ServerSocket(0)) {
                return s.getLocalPort();
            }
        }
    }
}
