package dev.ebpm.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ebpm.pkg.PackageKind;
import dev.ebpm.pkg.PackageManifest;
import dev.ebpm.web.HeadlessChromium;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The hub's pages in a real browser (headless chromium): packages published over the protocol to a hub on loopback,
 * then found, read and checked the way a person would, in the browser's DOM. The browser starts once for the class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HubPagesBrowserTest {
    HeadlessChromium chromium;
    ChromeDriver browser;
    PagesFixture hub;
    PagesFixture.Publisher alice;
    PagesFixture.Publisher bob;
    String sigsnoopArchive;

    @BeforeAll
    void start(@TempDir Path tmp) throws Exception {
        chromium = HeadlessChromium.start();
        browser = chromium.driver;
        hub = new PagesFixture(tmp.resolve("hub"));
        alice = hub.signingPublisher("alice");
        bob = hub.unsignedPublisher("bob");
        PagesFixture.Pkg sigsnoop = new PagesFixture.Pkg("sigsnoop", "1.0.0", PackageKind.BPF,
                "Trace signals sent with kill(2), tkill(2) and tgkill(2)", List.of("signal", "tracing", "process"), "GPL-2.0",
                "https://github.com/eunomia-bpf/eunomia-bpf", PagesFixture.tracepoints(true), "# sigsnoop\n\nThe first cut.\n");
        hub.publish(alice, sigsnoop);
        sigsnoopArchive = hub.publish(alice, sigsnoop.withVersion("1.1.0", PagesFixture.exampleReadme("sigsnoop")));
        hub.yank(alice, "sigsnoop", "1.0.0");
        hub.publish(alice, new PagesFixture.Pkg("sigsnoop-wasm", "0.3.0", PackageKind.WASM,
                "sigsnoop as a WebAssembly program on the wasm-bpf host ABI", List.of("signal", "wasm"), "MIT", null,
                PagesFixture.tracepoints(true), "# sigsnoop-wasm\n\nThe same events, from a `.wasm` module.\n"));
        String opensnoop = hub.publish(bob, new PagesFixture.Pkg("opensnoop", "0.2.0", PackageKind.BPF,
                "Trace open() and openat() calls with the file name and the result", List.of("files", "tracing"), "GPL-2.0", null,
                PagesFixture.tracepoints(true), PagesFixture.exampleReadme("opensnoop")));
        hub.download(sigsnoopArchive, 5);
        hub.download(opensnoop, 2);
    }

    @AfterAll
    void stop() throws Exception {
        if (hub != null) hub.close();
        if (chromium != null) chromium.close();
    }

    @Test
    void findReadAndCheckAPackage() throws Exception {
        browser.get(hub.uri("/").toString());
        assertEquals("ebpm hub", browser.getTitle());
        assertEquals(List.of("sigsnoop", "opensnoop"), texts("#most-downloaded a.name"));
        assertEquals(3, browser.findElements(By.cssSelector("#newest a.name")).size());
        assertEquals(alice.key().fingerprint().display().length(), browser.findElement(By.id("hub-key")).getText().length());
        chromium.screenshot("hub-home", false);

        // typing shows suggestions from the JSON search endpoint; Enter submits the form (which needs no script)
        WebElement box = browser.findElement(By.name("q"));
        box.sendKeys("signal");
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#suggestions a")));
        assertEquals(List.of("sigsnoop", "sigsnoop-wasm"), texts("#suggestions .name"));
        chromium.screenshot("hub-suggestions", false);
        box.sendKeys(Keys.ENTER);
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(ExpectedConditions.urlContains("/search?q=signal"));
        assertEquals("2 packages for “signal”", browser.findElement(By.id("results-title")).getText());
        assertEquals(List.of("sigsnoop", "sigsnoop-wasm"), texts("#results a.name"));
        chromium.screenshot("hub-search", false);

        browser.findElement(By.linkText("sigsnoop")).click();
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(ExpectedConditions.titleIs("sigsnoop · ebpm hub"));
        assertEquals("1.1.0", browser.findElement(By.id("package-version")).getText());
        WebElement readme = browser.findElement(By.id("readme"));
        assertEquals("sigsnoop", readme.findElement(By.tagName("h1")).getText());
        assertTrue(readme.getText().contains("Traces signals sent with kill(2), tkill(2) and tgkill(2)"), readme.getText());
        assertEquals("ebpm build examples/sigsnoop\nebpm run examples/sigsnoop/package.json -s 9",
                readme.findElement(By.cssSelector("pre code")).getText());
        assertEquals("ebpm install sigsnoop", browser.findElement(By.id("install-line")).getText());
        assertEquals(alice.key().fingerprint().display(), browser.findElement(By.id("signer-fingerprint")).getText());
        assertEquals(alice.key().fingerprint().hex(), browser.findElement(By.id("signer-fingerprint-hex")).getText());
        assertEquals("signed", browser.findElement(By.id("signature-state")).getText());
        assertEquals("tracepoint", browser.findElement(By.id("attach-types")).getText());
        assertEquals("sha256:" + sigsnoopArchive, browser.findElement(By.id("archive-digest")).getText());
        WebElement yanked = browser.findElement(By.xpath("//table[contains(@class,'versions')]//tr[td/a[text()='1.0.0']]"));
        assertTrue(yanked.getAttribute("class").contains("yanked"), yanked.getAttribute("class"));
        assertEquals("yanked", yanked.findElement(By.cssSelector(".badge.yanked")).getText());
        assertEquals("line-through", yanked.findElement(By.cssSelector("td a")).getCssValue("text-decoration-line"));
        WebElement current = browser.findElement(By.xpath("//table[contains(@class,'versions')]//tr[td/a[text()='1.1.0']]"));
        assertFalse(current.getAttribute("class").contains("yanked"));
        chromium.screenshot("hub-package", true);

        yanked.findElement(By.linkText("1.0.0")).click();
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(ExpectedConditions.titleIs("sigsnoop@1.0.0 · ebpm hub"));
        assertTrue(browser.findElement(By.id("yanked-banner")).getText().startsWith("sigsnoop@1.0.0 is yanked"));
        assertTrue(browser.findElements(By.id("install-line")).isEmpty());
        assertEquals("The first cut.", browser.findElement(By.cssSelector("#readme p")).getText());

        browser.findElement(By.cssSelector("#about a[href='/publishers/alice']")).click();
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(ExpectedConditions.titleIs("alice · ebpm hub"));
        assertEquals(List.of("sigsnoop", "sigsnoop-wasm"), texts("#packages a.name"));
        assertTrue(browser.findElement(By.id("keys")).getText().contains(alice.key().fingerprint().display()));
        chromium.screenshot("hub-publisher", false);

        browser.get(hub.uri("/packages/opensnoop").toString());
        assertEquals("unsigned", browser.findElement(By.id("signature-state")).getText());
    }

    @Test
    void hostileContentRendersInert(@TempDir Path tmp) throws Exception {
        try (PagesFixture hostile = new PagesFixture(tmp.resolve("hostile"))) {
            hostileContentRendersInert(hostile, hostile.signingPublisher("mallory"));
        }
    }

    private void hostileContentRendersInert(PagesFixture hub, PagesFixture.Publisher mallory) throws Exception {
        String attack = "<img src=x onerror=\"window.__pwned='description'; document.documentElement.dataset.pwned=1\">";
        hub.publish(mallory, new PagesFixture.Pkg("evil-readme", "6.6.6", PackageKind.BPF, attack + " & \"quotes\"",
                List.of("<script>window.__pwned='keyword'</script>"), "<b>MIT</b>", "javascript:window.__pwned='homepage'",
                PackageManifest.Requires.NONE, String.join("\n\n",
                        "# Totally normal",
                        "<script>window.__pwned='script'; document.documentElement.dataset.pwned=1</script>",
                        "<img src=x onerror=\"window.__pwned='img'\">",
                        "[click me](javascript:window.__pwned='link')",
                        "[or me](JaVaScRiPt:window.__pwned='case')",
                        "[tabbed](java&#x09;script:window.__pwned='tab')",
                        "<javascript:window.__pwned='autolink'>",
                        "<a href=\"javascript:window.__pwned='raw'\">raw anchor</a>",
                        "<iframe src=\"javascript:window.__pwned='frame'\"></iframe>",
                        "[fine](https://ebpm.dev/)")));

        browser.get(hub.uri("/packages/evil-readme").toString());
        assertNothingRan();
        WebElement readme = browser.findElement(By.id("readme"));
        for (String tag : List.of("script", "img", "iframe")) assertTrue(readme.findElements(By.tagName(tag)).isEmpty(), tag + " in the README");
        assertTrue(readme.getText().contains("<script>window.__pwned='script';"), readme.getText());
        assertEquals(List.of("click me", "or me", "tabbed", "javascript:window.__pwned='autolink'", "fine"), texts("#readme a"));
        for (WebElement a : readme.findElements(By.tagName("a"))) {
            if (a.getText().equals("fine")) assertEquals("https://ebpm.dev/", a.getAttribute("href"));
            else assertNull(a.getAttribute("href"), a.getText());
        }
        // clicking what looks like a link does nothing
        for (WebElement a : readme.findElements(By.tagName("a"))) if (!a.getText().equals("fine")) a.click();
        assertNothingRan();
        assertEquals(0L, browser.executeScript("return [...document.querySelectorAll('[href],[src]')].filter(e => "
                + "/^\\s*(javascript|data|vbscript):/i.test(e.getAttribute('href') || e.getAttribute('src'))).length"));
        assertEquals(attack + " & \"quotes\"", browser.findElement(By.id("package-description")).getText());
        assertTrue(browser.findElement(By.id("about")).getText().contains("javascript:window.__pwned='homepage'"));
        assertTrue(browser.findElement(By.id("about")).getText().contains("<b>MIT</b>"));
        chromium.screenshot("hub-hostile", true);

        // a query is echoed as text, in the heading and the search box
        String q = "<script>window.__pwned='query'</script>";
        browser.get(hub.uri("/search?q=" + java.net.URLEncoder.encode(q, java.nio.charset.StandardCharsets.UTF_8)).toString());
        assertNothingRan();
        assertEquals("0 packages for “" + q + "”", browser.findElement(By.id("results-title")).getText());
        assertEquals(q, browser.findElement(By.name("q")).getAttribute("value"));

        // suggestions show a hostile description as text
        WebElement box = browser.findElement(By.name("q"));
        box.clear();
        box.sendKeys("evil");
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#suggestions a")));
        assertEquals(attack + " & \"quotes\"", browser.findElement(By.cssSelector("#suggestions .desc")).getText());
        assertTrue(browser.findElements(By.cssSelector("#suggestions img")).isEmpty());
        assertNothingRan();
    }

    private void assertNothingRan() {
        assertThrows(NoAlertPresentException.class, () -> browser.switchTo().alert(), "an alert is open");
        assertEquals("undefined", browser.executeScript("return typeof window.__pwned"), "a script of the package ran");
        assertNull(browser.executeScript("return document.documentElement.dataset.pwned || null"), "a script of the package ran");
    }

    private List<String> texts(String css) {
        return browser.findElements(By.cssSelector(css)).stream().map(WebElement::getText).toList();
    }
}
