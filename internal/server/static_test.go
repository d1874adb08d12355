package server_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"traguardo/internal/server"
)

// TestCompressionAndCaching: the pages go out gzipped (and still no-store);
// the layout links every asset by a versioned URL, served gzipped once
// compressed (same bytes as plain), kept by browsers for a year
// (immutable), with an ETag that answers 304.
func TestCompressionAndCaching(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	dir := e.signedIn(t, "direttore")
	raw := &http.Client{Transport: &http.Transport{DisableCompression: true}, Jar: dir.hc.Jar}
	get := func(path string, header ...string) (*http.Response, []byte) {
		t.Helper()
		req, err := http.NewRequest(http.MethodGet, e.srv.URL+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		resp, err := raw.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp, b
	}
	gunzip := func(b []byte) []byte {
		t.Helper()
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		out, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}

	resp, page := get("/cicli/2023", "Accept-Encoding", "gzip")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Encoding") != "gzip" || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("GET /cicli/2023: %d, Content-Encoding %q, Cache-Control %q", resp.StatusCode, resp.Header.Get("Content-Encoding"), resp.Header.Get("Cache-Control"))
	}
	html := string(gunzip(page))
	if _, plain := get("/cicli/2023"); !strings.Contains(string(plain), "</html>") || len(plain) <= len(page) {
		t.Errorf("the plain page (%d bytes) is not the page, or not larger than the gzipped (%d)", len(plain), len(page))
	}

	links := regexp.MustCompile(`(?:href|src)="(/static/[^"?]+)\?v=([0-9a-f]{16})"`).FindAllStringSubmatch(html, -1)
	if unversioned := regexp.MustCompile(`"/static/[^"?]+"`).FindAllString(html, -1); len(links) < 4 || len(unversioned) > 0 {
		t.Fatalf("versioned assets: %v; unversioned: %v", links, unversioned)
	}
	for _, l := range links {
		url := l[1] + "?v=" + l[2]
		plainResp, plain := get(url)
		resp, body := get(url, "Accept-Encoding", "gzip, deflate, br")
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" {
			t.Errorf("GET %s: %d, Cache-Control %q", url, resp.StatusCode, resp.Header.Get("Cache-Control"))
		}
		if plainResp.Header.Get("Content-Encoding") != "" || resp.Header.Get("Content-Encoding") != "gzip" {
			t.Errorf("GET %s: Content-Encoding %q plain, %q with gzip accepted", url, plainResp.Header.Get("Content-Encoding"), resp.Header.Get("Content-Encoding"))
			continue
		}
		if !bytes.Equal(gunzip(body), plain) || len(body) >= len(plain) {
			t.Errorf("GET %s: gzipped %d bytes, not the plain file's %d bytes compressed", url, len(body), len(plain))
		}
		etag := resp.Header.Get("ETag")
		if again, _ := get(url, "Accept-Encoding", "gzip", "If-None-Match", etag); etag == "" || again.StatusCode != http.StatusNotModified {
			t.Errorf("GET %s with If-None-Match %q: %d, want 304", url, etag, again.StatusCode)
		}
	}
	// An old version is not kept for ever.
	if resp, _ := get(links[0][1] + "?v=0000000000000000"); resp.Header.Get("Cache-Control") != "public, max-age=86400" {
		t.Errorf("an old version: Cache-Control %q", resp.Header.Get("Cache-Control"))
	}
}
