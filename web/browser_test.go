package web_test

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"secunion/access"
)

// chromium returns the path of a Chromium binary, or skips the test (fails
// it under CI=true, where the binary must be installed).
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("no chromium or chromium-browser on PATH: the browser test cannot run (install Debian's chromium)")
	}
	t.Skip("SKIPPING THE BROWSER TEST: no chromium or chromium-browser on PATH (apt-get install chromium)")
	return ""
}

// browser starts a headless Chromium for the test, or skips the test as
// chromium does, and returns its context; it ends with the test or after a
// minute.
func browser(t *testing.T) context.Context {
	t.Helper()
	exe := chromium(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox, // tests run as root in CI
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), // no internet here
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	t.Cleanup(cancelAlloc)
	bctx, cancelBrowser := chromedp.NewContext(allocCtx, chromedp.WithLogf(t.Logf))
	t.Cleanup(cancelBrowser)
	return bctx
}

// TestBrowserLogin drives a real browser through the login: a visitor is
// sent to the login form, a wrong password is refused with a message, the
// right one opens the home page.
func TestBrowserLogin(t *testing.T) {
	bctx := browser(t)
	e := setup(t, nil)
	srv := e.serve(t, false, false)

	err := chromedp.Do(bctx,
		chromedp.Navigate(srv.URL+"/"),
		chromedp.WaitVisible(chromedp.ID("login-form")),
	)
	if err != nil {
		t.Fatalf("open /: %v", err)
	}
	location, err := chromedp.Run(bctx, chromedp.Location())
	if err != nil {
		t.Fatalf("open /: %v", err)
	}
	if location != srv.URL+"/login" {
		t.Fatalf("visiting / without a session lands on %s, want %s/login", location, srv.URL)
	}
	// The style sheet loads under the page's Content-Security-Policy.
	band, err := chromedp.Run(bctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector("header")).backgroundColor`))
	if err != nil || band != "rgb(11, 61, 145)" {
		t.Errorf("header background = %q, %v: the style sheet did not apply", band, err)
	}

	submit := chromedp.CSS(`#login-form button[type="submit"]`)
	if err := chromedp.Do(bctx,
		chromedp.SendKeys(chromedp.ID("login"), "anna"),
		chromedp.SendKeys(chromedp.ID("password"), "not her password"),
		chromedp.Click(submit),
		chromedp.WaitVisible(chromedp.ID("error")),
	); err != nil {
		t.Fatalf("wrong password: %v", err)
	}
	message, err := chromedp.Run(bctx, chromedp.Text(chromedp.ID("error")))
	if err != nil {
		t.Fatalf("wrong password: %v", err)
	}
	if message != "Wrong login or password." {
		t.Errorf("after a wrong password the page says %q, want %q", message, "Wrong login or password.")
	}

	if err := chromedp.Do(bctx,
		chromedp.SetValue(chromedp.ID("login"), "anna"),
		chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Click(submit),
		chromedp.WaitVisible(chromedp.ID("home-authority")),
	); err != nil {
		t.Fatalf("right password: %v", err)
	}
	var heading, authority string
	for _, read := range []struct {
		dst *string
		sel chromedp.CSS
	}{{&heading, "h1"}, {&authority, "#home-authority"}} {
		if *read.dst, err = chromedp.Run(bctx, chromedp.Text(read.sel)); err != nil {
			t.Fatalf("home page: %v", err)
		}
	}
	if location, err = chromedp.Run(bctx, chromedp.Location()); err != nil {
		t.Fatalf("home page: %v", err)
	}
	if !strings.Contains(heading, "Welcome") || !strings.Contains(authority, "DE-BPOL") || location != srv.URL+"/" {
		t.Errorf("after login: at %s, heading %q, authority %q; want /, Welcome and DE-BPOL", location, heading, authority)
	}
}

// TestBrowserSearch drives a real browser through a search: a border guard
// opens the search page from the navigation, fills in the form and sees the
// answers appear on the same page as each system answers — VIS, held back,
// after the others — each hit with why it matched.
func TestBrowserSearch(t *testing.T) {
	bctx := browser(t)
	e := setup(t, nil)
	vis := e.withPortal(t, access.VIS)
	srv := e.serve(t, false, false)

	if err := chromedp.Do(bctx,
		chromedp.Navigate(srv.URL+"/login"),
		chromedp.WaitVisible(chromedp.ID("login-form")),
		chromedp.SendKeys(chromedp.ID("login"), "anna"),
		chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Click(chromedp.CSS(`#login-form button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.ID("home-authority")),
		chromedp.Click(chromedp.CSS(`nav a[href="/search"]`)),
		chromedp.WaitVisible(chromedp.ID("search-form")),
	); err != nil {
		t.Fatalf("log in and open the search page: %v", err)
	}
	// A mark on the page, gone if the form is submitted the plain way.
	if _, err := chromedp.Run(bctx, chromedp.Evaluate[bool](`window.searchPageMark = true`)); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(bctx,
		chromedp.SendKeys(chromedp.ID("surname"), "Eriksson"),
		chromedp.SendKeys(chromedp.ID("given_names"), "Anna"),
		chromedp.SendKeys(chromedp.ID("birth_date"), "1974-08-12"),
		chromedp.Click(chromedp.ID("search-submit")),
		chromedp.WaitVisible(chromedp.ID("answer-SIS")),
		chromedp.WaitVisible(chromedp.ID("answer-Interpol-SLTD")),
	); err != nil {
		t.Fatalf("search: %v", err)
	}
	pending, err := chromedp.Run(bctx, chromedp.Evaluate[bool](
		`document.getElementById("answer-VIS") === null && document.getElementById("search-status").textContent === "Searching…"`))
	if err != nil || !pending {
		t.Fatalf("while VIS is held back: VIS answer absent and search still running = %v, %v; want true", pending, err)
	}
	vis.release()
	if err := chromedp.Do(bctx, chromedp.WaitVisible(chromedp.ID("answer-VIS"))); err != nil {
		t.Fatalf("VIS answer: %v", err)
	}
	status, err := chromedp.Run(bctx, chromedp.Poll[string](
		`document.getElementById("search-status").textContent.includes("answered") && document.getElementById("search-status").textContent`))
	if err != nil || status != "5 systems answered, 2 hits." {
		t.Errorf("search status %q, %v; want the summary of 5 systems and 2 hits", status, err)
	}
	order, err := chromedp.Run(bctx, chromedp.Evaluate[[]string](
		`[...document.querySelectorAll("#answers section.answer")].map(s => s.dataset.system)`))
	if err != nil || len(order) != 5 || order[4] != access.VIS {
		t.Errorf("answers on the page in the order %v, %v; want 5, VIS last as it answered last", order, err)
	}
	why, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS(`#answer-SIS td.why`)))
	if err != nil || !strings.Contains(why, "date of birth exact") || !strings.Contains(why, "ERIKSSON = ERIKSSON exact") {
		t.Errorf("SIS hit explanation %q, %v; want the name and date of birth agreement", why, err)
	}
	same, err := chromedp.Run(bctx, chromedp.Evaluate[bool](`window.searchPageMark === true`))
	if err != nil || !same {
		t.Errorf("the page was reloaded (%v): the answers did not stream into it", err)
	}
	if location, err := chromedp.Run(bctx, chromedp.Location()); err != nil || location != srv.URL+"/search" {
		t.Errorf("after the search the browser is at %s (%v), want %s/search", location, err, srv.URL)
	}

	// A bad MRZ: the message comes back in place of the answers, naming
	// the field, which is marked.
	if err := chromedp.Do(bctx,
		chromedp.SetValue(chromedp.ID("mrz"), "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C35UTO7408122F1204159ZE184226B<<<<<10"),
		chromedp.Click(chromedp.ID("search-submit")),
		chromedp.WaitVisible(chromedp.ID("error")),
	); err != nil {
		t.Fatalf("search with a bad MRZ: %v", err)
	}
	message, err := chromedp.Run(bctx, chromedp.Text(chromedp.ID("error")))
	if err != nil || message != "mrz: line 2 position 10: check digit of document number is 5, computed 6" {
		t.Errorf("after a bad MRZ the page says %q (%v), want the check digit of the document number", message, err)
	}
	marked, err := chromedp.Run(bctx, chromedp.Evaluate[bool](
		`document.querySelector("#mrz[aria-invalid=true]") !== null && document.querySelectorAll("#answers section").length === 0`))
	if err != nil || !marked {
		t.Errorf("after a bad MRZ: MRZ field marked and answers cleared = %v, %v; want true", marked, err)
	}
}
