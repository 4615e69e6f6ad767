package dev.ebpm.store;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The {@code runs} table. Each call is one statement (SQLite makes it atomic); a final state is written only over a
 * live one, so a host's own "exited" and a reconciler's "killed" cannot overwrite each other.
 */
public final class RunTable {
    /** The streaming reader and writer only: ps reads these lists on every call, and an ObjectMapper costs it hundreds of classes. */
    private static final JsonFactory JSON = new JsonFactory();
    private static final String COLUMNS = "id, package, version, kind, args, pid, pid_start, uid, started_at, ended_at, state, exit_code, signal, error, log_path, attach_points, restart, restarts";

    private final LocalStore store;

    RunTable(LocalStore store) {
        this.store = store;
    }

    public void insert(RunRecord r) {
        update("INSERT INTO runs(" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                r.id(), r.packageName(), r.version(), r.kind(), json(r.args()), r.pid(), r.pidStart(), r.uid(), text(r.startedAt()),
                text(r.endedAt()), r.state().id(), r.exitCode(), r.signal(), r.error(), r.logPath(), json(r.attachPoints()),
                r.restart(), r.restarts());
    }

    public Optional<RunRecord> find(String id) {
        List<RunRecord> rs = query("SELECT " + COLUMNS + " FROM runs WHERE id = ?", id);
        return rs.isEmpty() ? Optional.empty() : Optional.of(rs.get(0));
    }

    /** Every run, oldest first; only live ones unless {@code all}. */
    public List<RunRecord> list(boolean all) {
        return query("SELECT " + COLUMNS + " FROM runs" + (all ? "" : " WHERE state IN ('starting', 'running')") + " ORDER BY started_at, id");
    }

    /** The host attached the run's programs: STARTING becomes RUNNING. False if the run is no longer STARTING. */
    public boolean markRunning(String id, long pid, String pidStart, List<String> attachPoints) {
        return update("UPDATE runs SET pid = ?, pid_start = ?, attach_points = ?, state = 'running' WHERE id = ? AND state = 'starting'",
                pid, pidStart, json(attachPoints), id) == 1;
    }

    /** Another process took the live run over (a daemon adopting its pins): it is the run's host now. False if it had ended. */
    public boolean setHost(String id, long pid, String pidStart) {
        return update("UPDATE runs SET pid = ?, pid_start = ? WHERE id = ? AND state IN ('starting', 'running')", pid, pidStart, id) == 1;
    }

    /**
     * The live run is being started again by its restart policy, by host {@code pid}: RUNNING (or STARTING) becomes
     * STARTING, one more restart is counted. False (and nothing written) if it had ended.
     */
    public boolean restarting(String id, long pid, String pidStart) {
        return update("UPDATE runs SET state = 'starting', restarts = restarts + 1, pid = ?, pid_start = ?, attach_points = '[]' "
                + "WHERE id = ? AND state IN ('starting', 'running')", pid, pidStart, id) == 1;
    }

    /** Records how a live run ended; false (and nothing written) if it had already ended. */
    public boolean finish(String id, RunState state, Integer exitCode, String signal, String error) {
        if (state.live()) throw new IllegalArgumentException(state + " is not a final state");
        return update("UPDATE runs SET state = ?, exit_code = ?, signal = ?, error = ?, ended_at = ? "
                + "WHERE id = ? AND state IN ('starting', 'running')",
                state.id(), exitCode, signal, error, text(Instant.now()), id) == 1;
    }

    private int update(String sql, Object... args) {
        synchronized (store) {
            try (PreparedStatement ps = store.connection().prepareStatement(sql)) {
                bind(ps, args);
                return ps.executeUpdate();
            } catch (SQLException e) {
                throw store.translate(e);
            }
        }
    }

    private List<RunRecord> query(String sql, Object... args) {
        synchronized (store) {
            try (PreparedStatement ps = store.connection().prepareStatement(sql)) {
                bind(ps, args);
                List<RunRecord> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.add(record(rs));
                }
                return out;
            } catch (SQLException e) {
                throw store.translate(e);
            }
        }
    }

    private static void bind(PreparedStatement ps, Object[] args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            if (a == null) ps.setNull(i + 1, Types.NULL);
            else if (a instanceof Long l) ps.setLong(i + 1, l);
            else if (a instanceof Integer n) ps.setInt(i + 1, n);
            else ps.setString(i + 1, a.toString());
        }
    }

    private static RunRecord record(ResultSet rs) throws SQLException {
        long pid = rs.getLong("pid");
        Long pidOrNull = rs.wasNull() ? null : pid;
        int exit = rs.getInt("exit_code");
        Integer exitOrNull = rs.wasNull() ? null : exit;
        return new RunRecord(rs.getString("id"), rs.getString("package"), rs.getString("version"), rs.getString("kind"),
                strings(rs.getString("args")), pidOrNull, rs.getString("pid_start"), rs.getInt("uid"), instant(rs.getString("started_at")),
                instant(rs.getString("ended_at")), RunState.of(rs.getString("state")), exitOrNull, rs.getString("signal"),
                rs.getString("error"), rs.getString("log_path"), strings(rs.getString("attach_points")), rs.getString("restart"),
                rs.getInt("restarts"));
    }

    private static String text(Instant t) {
        return t == null ? null : t.toString();
    }

    private static Instant instant(String s) {
        return s == null ? null : Instant.parse(s);
    }

    /** A JSON array of strings. */
    private static String json(List<String> l) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartArray();
            for (String s : l) g.writeString(s);
            g.writeEndArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toString();
    }

    private static List<String> strings(String s) {
        if (s == null || s.isEmpty()) return List.of();
        List<String> out = new ArrayList<>();
        try (JsonParser p = JSON.createParser(s)) {
            if (p.nextToken() != JsonToken.START_ARRAY) throw new IOException("not an array");
            for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                if (t != JsonToken.VALUE_STRING) throw new IOException("not a string: " + t);
                out.add(p.getText());
            }
        } catch (IOException e) {
            throw new StoreException("runs table holds malformed JSON: " + s, e);
        }
        return out;
    }
}
