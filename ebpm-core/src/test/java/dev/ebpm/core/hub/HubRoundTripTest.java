package dev.ebpm.core.hub;

import dev.ebpm.core.session.Session;
import dev.ebpm.core.session.Settings;
import dev.ebpm.registry.Downloader;
import dev.ebpm.registry.FetchedPackage;
import dev.ebpm.registry.Http;
import dev.ebpm.registry.HubRefusedException;
import dev.ebpm.registry.OfflineException;
import dev.ebpm.registry.RegistryException;
import dev.ebpm.registry.TransferListener;
import dev.ebpm.registry.hubs.HttpIndexHub;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ebpm.pkg.Digests;
import dev.ebpm.pkg.PackageName;
import dev.ebpm.pkg.Version;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Publish with one client, fetch with others, against the real server on loopback. */
class HubRoundTripTest {
    @TempDir Path tmp;
    TestHub hub;

    @BeforeEach
    void start() throws Exception {
        hub = new TestHub(tmp.resolve("hub"), 8L << 20);
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    TestHub.TestClient client(String name) {
        return hub.client(tmp.resolve(name));
    }

    HttpIndexHub.Published publish(TestHub.TestClient c, byte[] archive, String file) throws Exception {
        return c.indexHub("test").publish(TestHub.write(tmp.resolve("out"), archive, file), hub.token, null);
    }

    @Test
    void publishedBytesComeBackIdenticalToASecondClient() throws Exception {
        byte[] a = TestHub.archive("sigsnoop", "1.0.0");
        HttpIndexHub.Published p = publish(client("publisher"), a, "sigsnoop-1.0.0.ebpm");
        assertEquals(Digests.sha256Hex(a), p.sha256());

        FetchedPackage f = client("installer").fetch("sigsnoop");
        assertEquals("sigsnoop@1.0.0", f.id());
        assertEquals("test", f.hub());
        assertArrayEquals(a, Files.readAllBytes(f.archive()));
        assertArrayEquals(a, f.archiveBytesOrNull());
        assertEquals(Digests.sha256Hex(a), f.pkg().archiveSha256());
        assertTrue(new String(f.entryBytes()).contains("sigsnoop"));
    }

    @Test
    void rangesPickTheHighestNonYankedVersion() throws Exception {
        TestHub.TestClient pub = client("publisher");
        for (String v : List.of("1.0.0", "1.2.0", "1.3.0", "2.0.0")) publish(pub, TestHub.archive("runqlat", v), "r-" + v + ".ebpm");
        pub.indexHub("test").setYanked(PackageName.parse("runqlat"), Version.parse("1.3.0"), true, hub.token);

        TestHub.TestClient c = client("installer");
        assertEquals("runqlat@2.0.0", c.fetch("runqlat").id());
        assertEquals("runqlat@1.2.0", client("c2").fetch("runqlat@^1").id());
        assertEquals("runqlat@1.0.0", client("c3").fetch("test/runqlat@1.0.0").id());
        RegistryException yanked = assertThrows(RegistryException.class, () -> client("c4").fetch("runqlat@1.3.0"));
        assertTrue(yanked.getMessage().contains("is yanked"), yanked.getMessage());
        RegistryException none = assertThrows(RegistryException.class, () -> client("c5").fetch("runqlat@^3"));
        assertEquals("no version of runqlat on hub test matches ^3; it has 1.0.0, 1.2.0, 1.3.0 (yanked), 2.0.0", none.getMessage());
        RegistryException missing = assertThrows(RegistryException.class, () -> client("c6").fetch("nosuch"));
        assertEquals("no package nosuch on hub test", missing.getMessage());

        List<HubResolver.SearchHit> hits = client("c7").search("SIGNAL");
        assertEquals(1, hits.size());
        assertEquals("runqlat", hits.get(0).pkg().name().value());
        assertTrue(client("c8").info("runqlat").orElseThrow().pkg().versions().size() == 4);
    }

    @Test
    void anySpellingOfANameResolvesToThePackageAndLookAlikesAreRefused() throws Exception {
        TestHub.TestClient pub = client("publisher");
        publish(pub, TestHub.archive("sigsnoop", "1.0.0"), "sigsnoop-1.0.0.ebpm");
        HubRefusedException lookAlike = assertThrows(HubRefusedException.class,
                () -> publish(pub, TestHub.archive("sig-snoop", "1.0.0"), "sig-snoop-1.0.0.ebpm"));
        assertEquals("hub test refused (HTTP 409, name_taken): package name sig-snoop is taken: it is the same name as sigsnoop"
                + " (names that differ only in case, '-' or '_' are one name)", lookAlike.getMessage());
        assertEquals("sigsnoop@1.0.0", client("c1").fetch("sig_snoop").id());
        assertEquals("sigsnoop@1.0.0", client("c2").fetch("test/sig-snoop@1").id());
    }

    @Test
    void refusalsReachTheUserAsOneLine() throws Exception {
        TestHub.TestClient c = client("publisher");
        Path a = TestHub.write(tmp.resolve("out"), TestHub.archive("sigsnoop", "1.0.0"), "a.ebpm");
        HubRefusedException noToken = assertThrows(HubRefusedException.class, () -> c.indexHub("test").publish(a, null, null));
        assertEquals(401, noToken.status());
        assertTrue(noToken.getMessage().startsWith("hub test refused (HTTP 401, unauthorized): publishing needs a token"), noToken.getMessage());
        c.indexHub("test").publish(a, hub.token, null);
        HubRefusedException again = assertThrows(HubRefusedException.class, () -> c.indexHub("test").publish(a, hub.token, null));
        assertEquals("hub test refused (HTTP 409, exists): sigsnoop@1.0.0 is already published; versions are immutable, publish a new version",
                again.getMessage());
        String bob = hub.store.createToken("bob");
        Path b = TestHub.write(tmp.resolve("out"), TestHub.archive("sigsnoop", "9.0.0"), "b.ebpm");
        HubRefusedException owned = assertThrows(HubRefusedException.class, () -> c.indexHub("test").publish(b, bob, null));
        assertEquals(403, owned.status());
        // over the hub's advertised max_upload: refused before sending a byte
        byte[] big = new byte[9 << 20];
        new java.util.Random(7).nextBytes(big);
        Path huge = TestHub.write(tmp.resolve("out"), TestHub.archive("huge", "1.0.0", big), "huge.ebpm");
        RegistryException tooBig = assertThrows(RegistryException.class, () -> c.indexHub("test").publish(huge, hub.token, null));
        assertTrue(tooBig.getMessage().contains("accepts at most 8388608"), tooBig.getMessage());
    }

    @Test
    void restartKeepsPackages() throws Exception {
        byte[] a = TestHub.archive("bootstrap", "0.3.0");
        publish(client("publisher"), a, "b.ebpm");
        hub.restart();
        assertArrayEquals(a, Files.readAllBytes(client("after").fetch("bootstrap").archive()));
    }

    @Test
    void lockfilePinsAndLockedRefusesTheRest() throws Exception {
        TestHub.TestClient pub = client("publisher");
        publish(pub, TestHub.archive("opensnoop", "1.0.0"), "o1.ebpm");
        Path store = tmp.resolve("locked-store");
        Path lockPath = store.resolve(Lockfile.FILE_NAME);
        TestHub.TestClient base = hub.client(store);
        assertEquals("opensnoop@1.0.0", base.fetchAndLock("opensnoop").id());
        Lockfile lock = Lockfile.load(lockPath);
        assertEquals("1.0.0", lock.find(PackageName.parse("opensnoop")).orElseThrow().version().toString());

        publish(pub, TestHub.archive("opensnoop", "1.1.0"), "o2.ebpm");
        pub.indexHub("test").setYanked(PackageName.parse("opensnoop"), Version.parse("1.0.0"), true, hub.token);
        publish(pub, TestHub.archive("execsnoop", "1.0.0"), "e1.ebpm");
        TestHub.TestClient locked = base.locked();
        // the pinned version even though it is yanked now and a newer one exists
        assertEquals("opensnoop@1.0.0", locked.fetch("opensnoop").id());
        RegistryException notInLock = assertThrows(RegistryException.class, () -> locked.fetch("execsnoop"));
        assertTrue(notInLock.getMessage().startsWith("--locked: execsnoop is not in "), notInLock.getMessage());
        RegistryException wrongRange = assertThrows(RegistryException.class, () -> locked.fetch("opensnoop@^1.1"));
        assertTrue(wrongRange.getMessage().contains("pins opensnoop@1.0.0"), wrongRange.getMessage());
    }

    @Test
    void offlineResolvesFromTheCacheAndOpensNoSocket() throws Exception {
        publish(client("publisher"), TestHub.archive("sigsnoop", "1.0.0"), "s.ebpm");
        Path store = tmp.resolve("offline-store");
        hub.client(store).fetch("sigsnoop");
        publish(client("publisher2"), TestHub.archive("other", "1.0.0"), "o.ebpm");

        int port = hub.server.port();
        hub.close();
        // anything that connects now is caught by this listener
        try (ServerSocket trap = new ServerSocket(port, 50, InetAddress.getLoopbackAddress())) {
            trap.setSoTimeout(300);
            TestHub.TestClient offline = new TestHub.TestClient(Settings.defaults(store).examples(Optional.empty(), Optional.empty())).offline();
            FetchedPackage f = offline.fetch("sigsnoop");
            assertEquals("sigsnoop@1.0.0", f.id());
            RegistryException missing = assertThrows(RegistryException.class, () -> offline.fetch("other"));
            assertEquals("no package other on hub test", missing.getMessage());
            assertEquals(1, offline.search("sig").size());
            TestHub.TestClient never = TestHub.client(tmp.resolve("never-online"), "http://127.0.0.1:" + port + "/", "index", false).offline();
            OfflineException noCache = assertThrows(OfflineException.class, () -> never.fetch("sigsnoop"));
            assertTrue(noCache.getMessage().contains("offline: no cached index for hub test"), noCache.getMessage());
            assertThrows(SocketTimeoutException.class, trap::accept, "offline mode opened a connection");
        }
        hub = new TestHub(tmp.resolve("hub2"), 1 << 20);
    }

    @Test
    void thirtyTwoClientsDownloadWhileOnePublishes() throws Exception {
        byte[] payload = new byte[256 * 1024];
        new java.util.Random(3).nextBytes(payload);
        byte[] a = TestHub.archive("bigsnoop", "1.0.0", payload);
        publish(client("publisher"), a, "big.ebpm");
        String sha = Digests.sha256Hex(a);

        int clients = 32;
        ExecutorService pool = Executors.newFixedThreadPool(clients + 1);
        CountDownLatch go = new CountDownLatch(1);
        AtomicBoolean publishing = new AtomicBoolean(true);
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        AtomicInteger downloads = new AtomicInteger();
        List<Future<?>> futures = new ArrayList<>();
        Http http = new Http(Http.Options.defaults());
        for (int i = 0; i < clients; i++) {
            Path dir = tmp.resolve("dl-" + i);
            futures.add(pool.submit(() -> {
                try {
                    // one client per downloader, as one ebpm process would have
                    TestHub.TestClient resolver = hub.client(dir.resolve("client"));
                    go.await();
                    int rounds = 0;
                    while (publishing.get() || rounds < 3) {
                        // a fresh cache each round: every round really downloads
                        Downloader d = new Downloader(http, dir.resolve("r" + rounds), Downloader.DEFAULT_MAX_BYTES, TransferListener.NONE);
                        Path got = d.download(hub.url() + "blobs/sha256/" + sha, sha, a.length);
                        if (!Digests.sha256Hex(got).equals(sha)) throw new AssertionError("partial or wrong bytes");
                        resolver.indexHub("test").find(dev.ebpm.pkg.PackageName.parse("bigsnoop")).orElseThrow();
                        downloads.incrementAndGet();
                        rounds++;
                    }
                } catch (Throwable t) {
                    errors.add(t);
                }
            }));
        }
        TestHub.TestClient pub = client("publisher-2");
        go.countDown();
        for (int v = 1; v <= 8; v++) {
            publish(pub, TestHub.archive("bigsnoop", "1.0." + v, payload), "big-" + v + ".ebpm");
        }
        publishing.set(false);
        for (Future<?> f : futures) f.get(120, TimeUnit.SECONDS);
        pool.shutdown();
        assertTrue(errors.isEmpty(), () -> "errors: " + errors);
        assertTrue(downloads.get() >= clients * 3);
        assertEquals("bigsnoop@1.0.8", client("last").fetch("bigsnoop").id());
    }
}
