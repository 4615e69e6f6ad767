package dev.ebpm.playground;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ebpm.core.examples.SourceBuilder;
import dev.ebpm.core.install.Installer;
import dev.ebpm.core.session.Session;
import dev.ebpm.core.spec.PackageSpec;
import dev.ebpm.core.session.Settings;
import dev.ebpm.loader.KernelPrograms;
import dev.ebpm.loader.KernelSupport;
import dev.ebpm.loader.build.BuildOptions;
import dev.ebpm.loader.build.BuildSources;
import dev.ebpm.loader.build.PackageBuilder;
import dev.ebpm.web.HeadlessChromium;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The playground in a real browser (headless chromium) against this kernel: a program typed into the editor, a
 * syntax error shown at its line, fixed, built, run; a signal sent from the test shows up in the page's table; Stop
 * (and, in a second run, closing the page) leaves none of the program loaded. Screenshots go to target/screenshots/
 * (and docs/web/ with scripts/web-screenshots.sh).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PlaygroundBrowserTest {
    HeadlessChromium chromium;
    ChromeDriver browser;
    Session session;
    Playground playground;
    Path saved;
    Path examples;

    @BeforeAll
    void start(@TempDir Path tmp) throws Exception {
        boolean root = KernelSupport.hasBpfPrivileges();
        if (!root) System.err.println("skipped: the playground's browser test runs programs, which needs root");
        Assumptions.assumeTrue(root, "running programs needs root");
        chromium = HeadlessChromium.start();
        browser = chromium.driver;
        // the embedded examples hub of this checkout (runqlat is installed from it); no network
        examples = Path.of(System.getProperty("ebpm.repo.root")).resolve("examples");
        session = Session.open(Settings.defaults(tmp.resolve("store")).examples(Optional.of(examples), Optional.empty()).offline(true));
        saved = tmp.resolve("saved");
        playground = Playground.start(session, Playground.Options.defaults(saved));
    }

    @AfterAll
    void stop() throws Exception {
        if (playground != null) playground.close();
        if (session != null) session.close();
        if (chromium != null) chromium.close();
    }

    @Test
    void typeBuildFixRunSeeAnEventStopAndSave() throws Exception {
        browser.get(playground.url().toString());
        assertEquals("ebpm playground", browser.getTitle());
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
        wait.until(d -> tabs().equals(List.of("hello.bpf.c", "hello.h")));
        WebElement editor = browser.findElement(By.id("editor"));
        assertTrue(editor.getAttribute("value").contains("SEC(\"tp/sched/sched_process_exec\")"), "ebpm init's template is in the editor");
        assertEquals("/", browser.executeScript("return location.pathname + location.search"), "the token left the address bar");

        // type the program: the event header, then the source with a semicolon missing
        tab("hello.h").click();
        editor.clear();
        editor.sendKeys(KillProgram.HEADER);
        tab("hello.bpf.c").click();
        editor.clear();
        editor.sendKeys(KillProgram.BROKEN_SOURCE);
        assertEquals(KillProgram.BROKEN_SOURCE, editor.getAttribute("value"));

        browser.findElement(By.id("build")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#diagnostics li.error")));
        WebElement first = browser.findElement(By.cssSelector("#diagnostics li.error"));
        String where = first.findElement(By.className("where")).getText();
        assertTrue(where.startsWith("hello.bpf.c:" + KillProgram.BROKEN_LINE + ":"), where);
        assertTrue(first.getText().contains("expected ';'"), first.getText());
        assertTrue(status().startsWith("clang failed to compile hello.bpf.c"), status());
        assertEquals(List.of(Integer.toString(KillProgram.BROKEN_LINE)), texts("#gutter div.error"), "the gutter marks the line");
        assertEquals(List.of(Integer.toString(KillProgram.BROKEN_LINE)),
                browser.findElements(By.cssSelector("#marks .pg-mark.error")).stream().map(e -> e.getAttribute("data-line")).toList());
        assertTrue(tab("hello.bpf.c").getAttribute("class").contains("has-error"));
        chromium.screenshot("playground-error", false);

        // the build put the caret on the error's line: End, then the missing semicolon
        editor.sendKeys(Keys.END, ";");
        assertEquals(KillProgram.SOURCE, editor.getAttribute("value"));
        browser.findElement(By.id("build")).click();
        wait.until(d -> status().startsWith("built hello: 1 program"));
        assertEquals(List.of(), texts("#diagnostics li"));
        assertEquals(List.of(), texts("#gutter div.error"));

        browser.findElement(By.id("run")).click();
        wait.until(d -> status().startsWith("running hello: 1 program attached"));
        assertTrue(status().contains("tracepoint/syscalls/sys_enter_kill"), status());
        Set<Integer> ids = ourPrograms();
        assertFalse(ids.isEmpty(), "pg_kill is loaded, held by this JVM");

        Process target = new ProcessBuilder("sleep", "60").start();
        try {
            String pid = Long.toString(target.pid());
            Process kill = new ProcessBuilder("kill", "-USR1", pid).start();
            assertEquals(0, kill.waitFor());
            WebElement row = wait.until(d -> d.findElements(By.cssSelector("#events tbody tr")).stream()
                    .filter(r -> cells(r).size() == 5 && cells(r).get(2).equals(pid)).findFirst().orElse(null));
            assertEquals(List.of("time", "pid", "tpid", "sig", "comm"), browser.findElements(By.cssSelector("#events thead th")).stream()
                    .map(th -> th.getAttribute("textContent")).toList(), "the event struct's fields, in order");
            List<String> cells = cells(row);
            assertEquals(Long.toString(kill.pid()), cells.get(1), "the sender's pid");
            assertEquals("10", cells.get(3), "SIGUSR1");
            assertEquals("kill", cells.get(4));
            assertEquals("num", row.findElements(By.tagName("td")).get(3).getAttribute("class"));
            // the same kill as a bpf_printk line (other programs' bpf_printk lines may show too: the stream is the kernel's)
            wait.until(d -> texts("#printk li").stream().anyMatch(l -> l.endsWith("kill-" + kill.pid() + " signal 10 to " + pid)));
        } finally {
            target.destroyForcibly();
        }
        chromium.screenshot("playground-run", false);

        browser.findElement(By.id("stop")).click();
        wait.until(d -> "ended".equals(d.findElement(By.tagName("html")).getAttribute("data-run")));
        assertEquals("stopped: Stop was pressed", status());
        assertFalse(playground.running());
        assertEquals(Set.of(), stillLoaded(ids), "programs of the run still loaded after Stop");
        assertEquals(Set.of(), ourPrograms());
        assertTrue(browser.findElement(By.id("run")).isEnabled());

        // save it as a package under another name: the directory ebpm init makes, with the page's files
        WebElement name = browser.findElement(By.id("save-name"));
        name.clear();
        name.sendKeys("killsnoop", Keys.ENTER);
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#save-result.ok")));
        Path dir = saved.resolve("killsnoop");
        assertEquals("saved " + dir + " (build it with: ebpm build " + dir + ")", browser.findElement(By.id("save-result")).getText());
        chromium.screenshot("playground-saved", true);
        assertEquals(KillProgram.SOURCE.replace("#include \"hello.h\"", "#include \"killsnoop.h\""), Files.readString(dir.resolve("killsnoop.bpf.c")));
        assertEquals(KillProgram.HEADER, Files.readString(dir.resolve("killsnoop.h")));
        assertTrue(Files.readString(dir.resolve("ebpm.json")).contains("\"name\" : \"killsnoop\""), Files.readString(dir.resolve("ebpm.json")));
        assertTrue(Files.isRegularFile(dir.resolve("README.md")) && Files.isRegularFile(dir.resolve(".github/workflows/ebpm.yml")));
        assertFalse(Files.exists(dir.resolve("hello.bpf.c")));
        try (var s = Files.list(saved)) {
            assertEquals(List.of("killsnoop"), s.map(p -> p.getFileName().toString()).toList(), "no staging directory left");
        }
        // and ebpm build builds it as it stands
        PackageBuilder.Result built = new PackageBuilder().buildPackage(BuildSources.of(dir, Optional.empty()),
                BuildOptions.defaults().withOutputDir(saved.resolveSibling("killsnoop-out")).withPackageJson(saved.resolveSibling("killsnoop-out/package.json")));
        assertEquals("pg_kill", built.pkg().meta.bpfSkel.progs.get(0).name);
        name.clear();
        name.sendKeys("killsnoop", Keys.ENTER);
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#save-result.bad")));
        assertEquals(dir + " already exists: choose another name", browser.findElement(By.id("save-result")).getText());

        // a second run, and the page goes away: the run is stopped and nothing stays loaded
        browser.findElement(By.id("run")).click();
        wait.until(d -> status().startsWith("running hello"));
        Set<Integer> second = ourPrograms();
        assertFalse(second.isEmpty());
        browser.get("about:blank");
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (playground.running() && System.nanoTime() < deadline) Thread.sleep(100);
        assertFalse(playground.running(), "the run outlived its page");
        assertEquals(Set.of(), stillLoaded(second), "programs of the run still loaded after the page closed");
        assertEquals("stopped: the page closed", playground.lastRun().orElseThrow().outcome());
    }

    @Test
    void anInstalledPackagesSourceRunsWithItsHistogramDrawnAsBars(@TempDir Path tmp) throws Exception {
        // runqlat as `ebpm pack examples/runqlat` archives it (its sources with it), installed from that file
        Path archive = new SourceBuilder(session).pack(examples.resolve("runqlat"), tmp);
        new Installer(session).install(PackageSpec.parse(archive.toString()), Installer.Request.allowingUnsigned());
        browser.get(playground.url().toString());
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
        WebElement option = wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#source option[value='package:runqlat']")));
        assertEquals("runqlat 1.0.0", option.getText());
        assertEquals(List.of("bootstrap", "minimal", "opensnoop", "runqlat", "sigsnoop"), texts("#source optgroup[label='examples'] option"),
                "the checkout's examples, but the WASM one");
        new Select(browser.findElement(By.id("source"))).selectByValue("package:runqlat");
        wait.until(d -> tabs().equals(List.of("runqlat.bpf.c", "ebpm-build.json")));
        assertTrue(browser.findElement(By.id("editor")).getAttribute("value").contains("struct hist {"));

        browser.findElement(By.id("run")).click();
        wait.until(d -> status().startsWith("running runqlat"));
        Set<Integer> ids = programsHeldHere(Set.of("sched_wakeup", "sched_wakeup_new", "sched_switch"));
        assertFalse(ids.isEmpty(), "runqlat's programs are loaded");
        // the scheduler is never idle: within a few one-second samples the histogram has counts
        wait.until(d -> d.findElements(By.cssSelector("#histograms figure[data-map='hists'] .pg-bar-row")).size() >= 2);
        // one reading of the figure (it is drawn again at every sample): caption, then label, count, bar and track widths
        @SuppressWarnings("unchecked")
        List<List<Object>> drawn = (List<List<Object>>) browser.executeScript("""
                const f = document.querySelector("#histograms figure[data-map='hists']");
                return [[f.querySelector('figcaption').innerText], ...[...f.querySelectorAll('.pg-bar-row')].map(r => [
                  r.querySelector('.pg-bar-label').innerText, Number(r.querySelector('.pg-bar-count').innerText),
                  r.querySelector('.pg-bar').getBoundingClientRect().width, r.querySelector('.pg-bar-track').getBoundingClientRect().width])];
                """);
        String caption = (String) drawn.get(0).get(0);
        assertTrue(caption.matches("hists \\(usecs, \\d+ samples\\)"), caption);
        List<List<Object>> rows = drawn.subList(1, drawn.size());
        assertEquals("0 → 1", rows.get(0).get(0));
        double max = rows.stream().mapToDouble(r -> ((Number) r.get(1)).doubleValue()).max().orElseThrow();
        assertTrue(max > 0, "the histogram has counts: " + rows);
        for (List<Object> r : rows) {
            double count = ((Number) r.get(1)).doubleValue(), width = ((Number) r.get(2)).doubleValue(), track = ((Number) r.get(3)).doubleValue();
            // each bar is as long as its count, against the longest (1 px at least, so an empty bucket still shows)
            assertEquals(Math.max(1, track * count / max), width, 1.5, "bar of " + r);
        }
        chromium.screenshot("playground-histogram", false);

        browser.findElement(By.id("stop")).click();
        wait.until(d -> "ended".equals(d.findElement(By.tagName("html")).getAttribute("data-run")));
        assertEquals("stopped: Stop was pressed", status());
        assertEquals(Set.of(), stillLoaded(ids), "runqlat's programs still loaded after Stop");
    }

    /** Ids of the loaded programs named pg_kill that this JVM holds. */
    private static Set<Integer> ourPrograms() {
        return programsHeldHere(Set.of(KillProgram.PROGRAM));
    }

    /** Ids of the loaded programs of these names that this JVM holds. */
    private static Set<Integer> programsHeldHere(Set<String> names) {
        long me = ProcessHandle.current().pid();
        return KernelPrograms.list().stream().filter(p -> names.contains(p.name()))
                .filter(p -> p.holders().stream().anyMatch(h -> h.pid() == me)).map(KernelPrograms.LoadedProgram::id)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<Integer> stillLoaded(Set<Integer> ids) {
        Set<Integer> loaded = KernelPrograms.list().stream().map(KernelPrograms.LoadedProgram::id).collect(Collectors.toSet());
        return ids.stream().filter(loaded::contains).collect(Collectors.toCollection(TreeSet::new));
    }

    private String status() {
        return browser.findElement(By.id("status")).getText();
    }

    private WebElement tab(String file) {
        return browser.findElement(By.cssSelector("#tabs button[data-file='" + file + "']"));
    }

    private List<String> tabs() {
        return texts("#tabs button");
    }

    private static List<String> cells(WebElement row) {
        return row.findElements(By.tagName("td")).stream().map(WebElement::getText).toList();
    }

    /** The rendered text of each element {@code css} selects, read in one step (the page may re-render between two). */
    @SuppressWarnings("unchecked")
    private List<String> texts(String css) {
        return (List<String>) browser.executeScript("return [...document.querySelectorAll(arguments[0])].map(e => e.innerText)", css);
    }
}
