package dev.ebpm.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The store's {@code config} table: small settings by key (the hub list among them). From {@link LocalStore#config()}. */
public final class ConfigTable {
    private final LocalStore store;
    private final Connection db;

    ConfigTable(LocalStore store) {
        this.store = store;
        this.db = store.connection();
    }

    public Optional<String> get(String key) {
        synchronized (store) {
            try (PreparedStatement ps = db.prepareStatement("SELECT value FROM config WHERE key = ?")) {
                ps.setString(1, key);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
                }
            } catch (SQLException e) {
                throw store.translate(e);
            }
        }
    }

    /** Sets {@code key}; a null value removes it. */
    public void set(String key, String valueOrNull) {
        synchronized (store) {
            String sql = valueOrNull == null ? "DELETE FROM config WHERE key = ?"
                    : "INSERT INTO config(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value";
            try (PreparedStatement ps = db.prepareStatement(sql)) {
                ps.setString(1, key);
                if (valueOrNull != null) ps.setString(2, valueOrNull);
                ps.executeUpdate();
            } catch (SQLException e) {
                throw store.translate(e);
            }
        }
    }

    public Map<String, String> all() {
        synchronized (store) {
            Map<String, String> out = new LinkedHashMap<>();
            try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("SELECT key, value FROM config ORDER BY key")) {
                while (rs.next()) out.put(rs.getString(1), rs.getString(2));
                return out;
            } catch (SQLException e) {
                throw store.translate(e);
            }
        }
    }
}
