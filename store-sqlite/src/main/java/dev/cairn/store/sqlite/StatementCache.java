package dev.cairn.store.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * The statements of the claim path, prepared once per connection: preparing the claim query costs
 * more than running it. Each {@link #get} clears the parameters left by the last use. Not
 * thread-safe; the store serializes its calls.
 */
final class StatementCache implements AutoCloseable {

    private final Connection conn;
    private final Map<String, PreparedStatement> statements = new HashMap<>();

    StatementCache(Connection conn) {
        this.conn = conn;
    }

    PreparedStatement get(String sql) throws SQLException {
        PreparedStatement ps = statements.get(sql);
        if (ps == null) {
            ps = conn.prepareStatement(sql);
            statements.put(sql, ps);
        }
        ps.clearParameters();
        return ps;
    }

    @Override
    public void close() throws SQLException {
        SQLException first = null;
        for (PreparedStatement ps : statements.values()) {
            try {
                ps.close();
            } catch (SQLException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        statements.clear();
        if (first != null) {
            throw first;
        }
    }
}
