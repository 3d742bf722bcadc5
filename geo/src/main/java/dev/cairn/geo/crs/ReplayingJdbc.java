package dev.cairn.geo.crs;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ParameterMetaData;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import javax.sql.DataSource;

/**
 * A JDBC {@link DataSource} that answers from {@link EpsgAnswers} what the real database answered
 * before, and asks the real database (opening it only then) what it has not seen yet, recording
 * the answer.
 *
 * <p>Every answer is keyed by the whole question that produced it: the path of JDBC objects that
 * led to it (connection, statement with its SQL text, result set), the parameters and settings of
 * the statement when it was executed, the row the result set stands on, and the method with its
 * arguments. The caller therefore receives exactly the values the real database would have given;
 * only the database's own work (booting Derby from the jar, compiling SQL) is skipped. That holds
 * for a database that does not change, such as the read-only EPSG dataset inside the jar.
 *
 * <p>Values of types that cannot be stored (streams, LOBs, arrays, driver objects) are never
 * recorded: those questions always go to the real database. Each JDBC object is confined to one
 * thread, as JDBC objects are; the answers are shared.
 */
final class ReplayingJdbc {

    private ReplayingJdbc() {
    }

    /** A data source replaying {@code answers}, opening {@code real} on the first unseen question. */
    static DataSource dataSource(Callable<DataSource> real, EpsgAnswers answers) {
        return (DataSource) Proxy.newProxyInstance(ReplayingJdbc.class.getClassLoader(),
                new Class<?>[] {DataSource.class}, new SourceNode(real, answers));
    }

    /** One proxied JDBC object: its path, its real counterpart once needed, its settings so far. */
    private abstract static class Node implements InvocationHandler {
        final EpsgAnswers answers;
        final String path;
        Object real;
        /** Setter calls (parameters, fetch size, ...) in order: applied to the real object when it is opened. */
        final List<Object[]> settings = new ArrayList<>();
        /** The effective settings, by setter and index: part of the key of every answer below this object. */
        final Map<String, String> state = new TreeMap<>();

        Node(EpsgAnswers answers, String path) {
            this.answers = answers;
            this.path = path;
        }

        /** Opens the real object this one stands for, its settings applied. */
        abstract Object open() throws Exception;

        final Object real() throws Exception {
            if (real == null) {
                real = open();
                for (Object[] s : settings) {
                    ((Method) s[0]).invoke(real, (Object[]) s[1]);
                }
            }
            return real;
        }

        /** The proxy of this node, for methods that return their owner (getConnection, getStatement). */
        Object proxy;
        boolean closed;

        /** Key of an answer of this object: path, settings, method and arguments (null when not keyable). */
        String key(String where, Method m, Object[] args) {
            String a = arguments(args);
            return a == null ? null : path + where + (state.isEmpty() ? "" : state.toString()) + "." + m.getName() + a;
        }

        @Override
        public Object invoke(Object proxy, Method m, Object[] args) throws Throwable {
            switch (m.getName()) {
                case "equals":
                    if (m.getParameterCount() == 1 && m.getDeclaringClass() == Object.class) {
                        return proxy == args[0];
                    }
                    break;
                case "hashCode":
                    if (m.getParameterCount() == 0) {
                        return System.identityHashCode(proxy);
                    }
                    break;
                case "toString":
                    if (m.getParameterCount() == 0) {
                        return "replayed " + path;
                    }
                    break;
                case "close":
                    closed = true;
                    if (real != null) {
                        call(real, m, args);
                    }
                    return null;
                case "isClosed":
                    if (m.getParameterCount() == 0) {
                        return closed; // the state of this object, not an answer of the database
                    }
                    break;
                case "unwrap":
                case "isWrapperFor":
                    return call(real(), m, args);
                default:
                    break;
            }
            return handle(proxy, m, args);
        }

        Object handle(Object proxy, Method m, Object[] args) throws Throwable {
            Class<?> type = m.getReturnType();
            if (type == void.class) {
                remember(m, args);
                if (real != null) {
                    call(real, m, args);
                }
                return null;
            }
            if (type == Connection.class) {
                return connection();
            }
            if (type == ResultSet.class) {
                return resultSet(m, args);
            }
            if (type == Statement.class && this instanceof ResultSetNode rs) {
                return rs.owner;
            }
            if (type == DatabaseMetaData.class || type == ResultSetMetaData.class || type == ParameterMetaData.class
                    || Statement.class.isAssignableFrom(type)) {
                return child(type, m, args);
            }
            return value(m, args);
        }

        /** Records a setter call: replayed on the real object, part of the keys below. */
        void remember(Method m, Object[] args) {
            settings.add(new Object[] {m, args});
            String a = arguments(args);
            if (m.getName().equals("clearParameters")) {
                state.keySet().removeIf(k -> k.startsWith("#"));
            } else if (m.getName().startsWith("set") && args != null && args.length >= 2 && args[0] instanceof Integer i) {
                state.put("#" + i, m.getName() + (a == null ? "?" + System.identityHashCode(args[1]) : a));
            } else {
                state.put(m.getName(), a == null ? "?" + System.identityHashCode(args) : a);
            }
        }

        abstract Object connection();

        Object value(Method m, Object[] args) throws Throwable {
            String key = key("", m, args);
            if (key != null) {
                Object v = answers.get(key);
                if (v != null) {
                    return EpsgAnswers.unwrap(v);
                }
            }
            Object v = call(real(), m, args);
            if (key != null) {
                answers.put(key, v);
            }
            return v;
        }

        Object resultSet(Method m, Object[] args) throws Throwable {
            String key = key("", m, args);
            Node owner = this;
            Object stmtProxy = this instanceof StatementNode ? proxy : null;
            List<Object[]> snapshot = List.copyOf(settings);
            Callable<Object> opener = () -> {
                // A fresh real statement with the settings of the moment the result was asked for.
                Object target = owner instanceof StatementNode sn ? sn.openFresh(snapshot) : owner.real();
                return call(target, m, args);
            };
            ResultSetNode rs = new ResultSetNode(answers, key == null ? null : key, opener, stmtProxy, connection());
            return proxy(ResultSet.class, rs);
        }

        Object child(Class<?> type, Method m, Object[] args) throws Throwable {
            String a = arguments(args);
            if (a == null) {
                return call(real(), m, args); // not keyable: hand out the real object
            }
            Node parent = this;
            Node child;
            if (Statement.class.isAssignableFrom(type)) {
                child = new StatementNode(answers, path + "/" + m.getName() + a, parent, m, args);
            } else {
                child = new ChildNode(answers, path + "/" + m.getName() + a, () -> call(parent.real(), m, args), parent);
            }
            return proxy(type, child);
        }
    }

    private static final class SourceNode extends Node {
        private final Callable<DataSource> source;

        SourceNode(Callable<DataSource> source, EpsgAnswers answers) {
            super(answers, "ds");
            this.source = source;
        }

        @Override
        Object open() throws Exception {
            return source.call();
        }

        @Override
        Object connection() {
            throw new UnsupportedOperationException();
        }

        @Override
        Object handle(Object proxy, Method m, Object[] args) throws Throwable {
            if (m.getName().equals("getConnection")) {
                ConnectionNode c = new ConnectionNode(answers, this, m, args);
                return proxy(Connection.class, c);
            }
            return super.handle(proxy, m, args);
        }
    }

    private static final class ConnectionNode extends Node {
        private final SourceNode source;
        private final Method getConnection;
        private final Object[] args;

        ConnectionNode(EpsgAnswers answers, SourceNode source, Method getConnection, Object[] args) {
            super(answers, "c");
            this.source = source;
            this.getConnection = getConnection;
            this.args = args;
        }

        @Override
        Object open() throws Exception {
            answers.missed();
            return call(source.real(), getConnection, args);
        }

        @Override
        Object connection() {
            return proxy;
        }
    }

    /** Metadata objects: opened from the parent's real object. */
    private static final class ChildNode extends Node {
        private final Callable<Object> opener;
        private final Node parent;

        ChildNode(EpsgAnswers answers, String path, Callable<Object> opener, Node parent) {
            super(answers, path);
            this.opener = opener;
            this.parent = parent;
        }

        @Override
        Object open() throws Exception {
            return opener.call();
        }

        @Override
        Object connection() {
            return parent.connection();
        }
    }

    private static final class StatementNode extends Node {
        private final Node parent;
        private final Method creator;
        private final Object[] creatorArgs;

        StatementNode(EpsgAnswers answers, String path, Node parent, Method creator, Object[] creatorArgs) {
            super(answers, path);
            this.parent = parent;
            this.creator = creator;
            this.creatorArgs = creatorArgs;
        }

        @Override
        Object open() throws Exception {
            return call(parent.real(), creator, creatorArgs);
        }

        /** A new real statement with {@code snapshot} applied, for one result set (closed with it). */
        Object openFresh(List<Object[]> snapshot) throws Exception {
            Object s = call(parent.real(), creator, creatorArgs);
            for (Object[] c : snapshot) {
                ((Method) c[0]).invoke(s, (Object[]) c[1]);
            }
            return s;
        }

        @Override
        Object connection() {
            return parent.connection();
        }
    }

    /**
     * A result set: answers are keyed by the row reached ({@code next()} calls so far), and
     * {@code wasNull()} by the getter it follows. Opened for real, it is moved to the same row.
     */
    private static final class ResultSetNode extends Node {
        private final Callable<Object> opener;
        final Object owner;
        private final Object connection;
        private int row;
        private String lastGet = "";

        ResultSetNode(EpsgAnswers answers, String key, Callable<Object> opener, Object owner, Object connection) {
            super(answers, key == null ? "?" : key);
            this.opener = opener;
            this.owner = owner;
            this.connection = connection;
            if (key == null) {
                this.state.put("unkeyed", Integer.toString(System.identityHashCode(this)));
            }
        }

        @Override
        Object open() throws Exception {
            Object rs = opener.call();
            Method next = ResultSet.class.getMethod("next");
            for (int i = 0; i < row; i++) {
                next.invoke(rs);
            }
            return rs;
        }

        @Override
        Object connection() {
            return connection;
        }

        @Override
        String key(String where, Method m, Object[] args) {
            if (state.containsKey("unkeyed")) {
                return null;
            }
            String a = arguments(args);
            if (a == null) {
                return null;
            }
            String call = m.getName() + a;
            return path + "@" + row + (state.isEmpty() ? "" : state.toString()) + "."
                    + (m.getName().equals("wasNull") ? call + "after " + lastGet : call);
        }

        @Override
        Object handle(Object proxy, Method m, Object[] args) throws Throwable {
            Object v = super.handle(proxy, m, args);
            String name = m.getName();
            if (name.equals("next")) {
                row++;
            } else if (name.startsWith("get")) {
                lastGet = name + arguments(args);
            }
            return v;
        }

        @Override
        public Object invoke(Object proxy, Method m, Object[] args) throws Throwable {
            if (m.getName().equals("close") && m.getParameterCount() == 0 && real != null) {
                closed = true;
                Object statement = owner == null ? null : ((ResultSet) real).getStatement();
                ((ResultSet) real).close();
                if (statement != null) {
                    ((Statement) statement).close(); // the fresh statement opened for this result set
                }
                return null;
            }
            return super.invoke(proxy, m, args);
        }

        @Override
        Object child(Class<?> type, Method m, Object[] args) throws Throwable {
            if (type == ResultSetMetaData.class) {
                return proxy(type, new ChildNode(answers, path + "/meta", () -> call(real(), m, args), this));
            }
            return call(real(), m, args);
        }
    }

    private static Object proxy(Class<?> type, Node node) {
        Object p = Proxy.newProxyInstance(ReplayingJdbc.class.getClassLoader(), new Class<?>[] {type}, node);
        node.proxy = p;
        return p;
    }

    private static Object call(Object target, Method m, Object[] args) throws Exception {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof Exception ex) {
                throw ex;
            }
            throw e;
        }
    }

    /**
     * The arguments as part of a key, each with its type (so that 1 and "1" differ), or null when
     * one of them has no stable text form (then the answer is not recorded).
     */
    static String arguments(Object[] args) {
        if (args == null || args.length == 0) {
            return "()";
        }
        StringBuilder b = new StringBuilder("(");
        for (Object a : args) {
            if (b.length() > 1) {
                b.append(',');
            }
            if (a == null) {
                b.append("null");
            } else if (a instanceof String s) {
                b.append('\'').append(s.replace("'", "''")).append('\'');
            } else if (a instanceof Number || a instanceof Boolean || a instanceof Character) {
                b.append(a.getClass().getSimpleName()).append(':').append(a);
            } else if (a instanceof String[] strings) {
                b.append("String[]").append(Arrays.toString(strings));
            } else if (a instanceof int[] ints) {
                b.append("int[]").append(Arrays.toString(ints));
            } else {
                return null;
            }
        }
        return b.append(')').toString();
    }
}
