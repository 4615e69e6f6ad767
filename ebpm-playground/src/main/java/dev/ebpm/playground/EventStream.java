package dev.ebpm.playground;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code GET /api/events}: the run's messages as server-sent events ({@code event: line|note|end}, one {@code data:}
 * line each), written by a thread of the stream's own with blocking writes. A comment goes out every second while
 * nothing else does: when the page has gone (closed, reloaded, navigated away), that write fails within a second or
 * two, and the run is stopped. One page follows a run; the stream ends after the run's {@code end}.
 */
final class EventStream {
    static final long HEARTBEAT_MILLIS = 1000;
    /** Messages written together before a flush, when they come faster than the page reads. */
    private static final int BATCH = 256;

    private EventStream() {
    }

    static void follow(Playground playground, Response response, Callback callback) {
        Optional<PlaygroundRun> last = playground.lastRun();
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        if (last.isEmpty() || !last.get().follow()) {
            String why = last.isEmpty() ? "nothing has run yet" : last.get().isOver() ? "the run is over" : "another page follows this run";
            response.write(true, ByteBuffer.wrap(("event: end\ndata: " + why + "\n\n").getBytes(StandardCharsets.UTF_8)), callback);
            return;
        }
        PlaygroundRun run = last.get();
        Thread t = new Thread(() -> stream(run, response, callback), "ebpm-playground-events");
        t.setDaemon(true);
        t.start();
    }

    private static void stream(PlaygroundRun run, Response response, Callback callback) {
        ByteArrayOutputStream batch = new ByteArrayOutputStream(8192);
        try {
            write(response, false, ": " + run.name + "\n\n"); // headers out now: the page knows it is connected
            while (true) {
                RunMessages.Message m = run.messages.next(HEARTBEAT_MILLIS);
                if (m == null) {
                    write(response, false, ":\n\n");
                    continue;
                }
                batch.reset();
                int n = 0;
                while (m != null) {
                    append(batch, m);
                    if (m.type().equals("end")) {
                        Content.Sink.write(response, true, ByteBuffer.wrap(batch.toByteArray()));
                        callback.succeeded();
                        return;
                    }
                    if (++n == BATCH) break;
                    m = run.messages.next(0);
                }
                Content.Sink.write(response, false, ByteBuffer.wrap(batch.toByteArray()));
            }
        } catch (IOException | RuntimeException e) {
            run.stop("the page closed");
            callback.failed(e);
        } catch (InterruptedException e) {
            run.stop("the playground closed");
            callback.failed(e);
        }
    }

    private static void append(ByteArrayOutputStream out, RunMessages.Message m) {
        // one data line: the messages are single lines (JSON lines, notes); a stray CR or LF would start a new field
        String data = m.data().replace('\r', ' ').replace('\n', ' ');
        out.writeBytes(("event: " + m.type() + "\ndata: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
    }

    private static void write(Response response, boolean last, String text) throws IOException {
        Content.Sink.write(response, last, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
    }
}
