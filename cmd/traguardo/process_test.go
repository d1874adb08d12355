package main

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"traguardo/internal/db"
	"traguardo/internal/demo"
	"traguardo/internal/pgtest"
	"traguardo/internal/store"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// buildBinary builds the traguardo command into a temporary directory.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "traguardo")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// testDatabase is a fresh migrated database: its runtime and owner URLs.
func testDatabase(t *testing.T) (runtimeURL, ownerURL string) {
	t.Helper()
	runtimeURL = pgtest.URL(t)
	u, err := url.Parse(runtimeURL)
	if err != nil {
		t.Fatal(err)
	}
	return runtimeURL, pgtest.Cluster(t).OwnerURL(strings.TrimPrefix(u.Path, "/"))
}

// serveProcess starts bin serve --demo on a free loopback port and waits for
// /healthz; it returns the process and its base URL. The process is killed
// when t ends if it still runs. env is added to its environment.
func serveProcess(t *testing.T, bin, runtimeURL, ownerURL string, logTo io.Writer, env ...string) (*exec.Cmd, string) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	cmd := exec.Command(bin, "serve", "--demo")
	cmd.Env = append(os.Environ(), "DATABASE_URL="+runtimeURL, "MIGRATION_DATABASE_URL="+ownerURL, "ADDR="+addr)
	cmd.Env = append(cmd.Env, env...)
	cmd.Stdout, cmd.Stderr = logTo, logTo
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	base := "http://" + addr
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return cmd, base
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the application did not answer /healthz within a minute: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestServe_GracefulShutdown: SIGTERM while an upload is still arriving (a
// JSON import sent slowly) lets that request finish, its cycle saved and
// its answer complete, refuses new connections, and the process exits 0
// well within its 15 s shutdown timeout.
func TestServe_GracefulShutdown(t *testing.T) {
	bin := buildBinary(t)
	runtimeURL, ownerURL := testDatabase(t)
	var log bytes.Buffer
	cmd, base := serveProcess(t, bin, runtimeURL, ownerURL, &log)

	// Sign in as the director.
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := hc.PostForm(base+"/accedi", url.Values{"email": {"direttore@traguardo.test"}, "password": {demo.DefaultPassword}, "next": {"/"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var session *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == "traguardo_sessione" {
			session = c
		}
	}
	if resp.StatusCode != http.StatusSeeOther || session == nil {
		t.Fatalf("sign-in: %d, cookie %v", resp.StatusCode, session)
	}

	// The demo's 2023 document, imported as 2030.
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("year", "2030")
	fw, _ := mw.CreateFormFile("file", "ciclo.json")
	fw.Write(demo.Cycle2023())
	mw.Close()
	pr, pw := io.Pipe()
	req, _ := http.NewRequest(http.MethodPost, base+"/cicli/importa", pr)
	req.ContentLength = int64(body.Len())
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.AddCookie(session)
	type answer struct {
		status   int
		location string
		err      error
	}
	done := make(chan answer, 1)
	go func() {
		resp, err := hc.Do(req)
		if err != nil {
			done <- answer{err: err}
			return
		}
		_, err = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		done <- answer{resp.StatusCode, resp.Header.Get("Location"), err}
	}()
	all := body.Bytes()
	third := len(all) / 3
	if _, err := pw.Write(all[:third]); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond) // the server is reading the body

	term := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	// New connections are refused once the server shuts down.
	refused := false
	for range 100 {
		if _, err := net.DialTimeout("tcp", strings.TrimPrefix(base, "http://"), time.Second); err != nil {
			refused = true
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if !refused {
		t.Error("new connections still accepted a second after SIGTERM")
	}
	// The rest of the upload, slowly, for over a second after SIGTERM.
	rest := all[third:]
	for i := range 10 {
		chunk := rest[i*len(rest)/10 : (i+1)*len(rest)/10]
		if _, err := pw.Write(chunk); err != nil {
			t.Fatalf("the upload was cut %s after SIGTERM: %v", time.Since(term), err)
		}
		time.Sleep(120 * time.Millisecond)
	}
	pw.Close()

	a := <-done
	if a.err != nil || a.status != http.StatusSeeOther || a.location != "/cicli/2030" {
		t.Fatalf("the import in flight at SIGTERM: status %d to %q, err %v; want 303 to /cicli/2030\n%s", a.status, a.location, a.err, log.String())
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v\n%s", err, log.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("still running 15 s after SIGTERM\n%s", log.String())
	}
	if took := time.Since(term); took < time.Second {
		t.Errorf("exited %s after SIGTERM, before the upload in flight could finish", took)
	}

	// The cycle of the request in flight is saved.
	pool, err := db.Open(context.Background(), runtimeURL)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	c, err := store.New(pool).LoadCycle(context.Background(), 2030)
	if err != nil {
		t.Fatalf("cycle 2030 after the shutdown: %v", err)
	}
	if n := c.Count(); n.Objectives == 0 {
		t.Errorf("cycle 2030 has no objectives")
	}
	if !strings.Contains(log.String(), "shutting down") {
		t.Errorf("the log does not say it shut down:\n%s", log.String())
	}
}
