package server

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"strconv"

	"github.com/a-h/templ"
)

// keptLevel is the gzip level of the kept parts: the highest, since a part
// is compressed once per data version for every reader (as the static
// files are); the parts of each request go at CompressionLevel.
const keptLevel = gzip.BestCompression

// keptMarker stands in a page for its kept part while the rest is drawn:
// an HTML comment with a token drawn at start, which no user's text can
// spell (it is secret); the page is split where it stands.
var keptMarker = func() string {
	b := make([]byte, 16)
	rand.Read(b)
	return "<!--kept part " + hex.EncodeToString(b) + "-->"
}()

var errMarker = errors.New("kept page: the marker of the kept part is not in the page exactly once")

// writeKept writes a page whose part kept is drawn and compressed once:
// draw writes the page with its component standing where kept goes. To a
// client that takes gzip it goes as one gzip member, the page's own bytes
// compressed now (CompressionLevel) around the kept part compressed once;
// to others as it is. Either way Vary: Accept-Encoding (chi's Compress
// leaves a response with a Content-Encoding alone, and compresses the
// plain one to a client that takes deflate only). No ETag: the pages are
// no-store (securityHeaders), a browser keeps none to revalidate. An error
// is returned before anything is written.
func writeKept(w http.ResponseWriter, r *http.Request, status int, contentType string, kept *keptPart, draw func(w io.Writer, here templ.Component) error) error {
	var page bytes.Buffer
	if err := draw(&page, templ.Raw(keptMarker)); err != nil {
		return err
	}
	b := page.Bytes()
	at := bytes.Index(b, []byte(keptMarker))
	if at < 0 || bytes.Contains(b[at+len(keptMarker):], []byte(keptMarker)) {
		return errMarker
	}
	before, after := b[:at], b[at+len(keptMarker):]
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Add("Vary", "Accept-Encoding")
	if !acceptsGzip(r) {
		raw, err := kept.Raw()
		if err != nil {
			return err
		}
		h.Set("Content-Length", strconv.Itoa(len(before)+len(raw)+len(after)))
		w.WriteHeader(status)
		w.Write(before)
		w.Write(raw)
		w.Write(after)
		return nil
	}
	m := newGzipMember(CompressionLevel, len(kept.deflated)+len(b)/2)
	if err := m.Own(before, false); err != nil {
		return err
	}
	if err := m.Kept(kept); err != nil {
		return err
	}
	if err := m.Own(after, true); err != nil {
		return err
	}
	z := m.Close()
	h.Set("Content-Encoding", "gzip")
	h.Set("Content-Length", strconv.Itoa(len(z)))
	w.WriteHeader(status)
	w.Write(z)
	return nil
}

// renderKept is render for a page with a kept part: page gives the page
// with its component standing where kept goes.
func (s *Server) renderKept(w http.ResponseWriter, r *http.Request, status int, kept *keptPart, page func(here templ.Component) templ.Component) {
	ctx := s.pageContext(w, r)
	err := writeKept(w, r, status, "text/html; charset=utf-8", kept, func(out io.Writer, here templ.Component) error {
		return page(here).Render(ctx, out)
	})
	if err != nil {
		s.log.Error("render failed", "path", r.URL.Path, "err", err)
		http.Error(w, "Errore del server", http.StatusInternalServerError)
	}
}

// keepComponent draws c once (it must not depend on the request's context)
// and keeps it compressed.
func keepComponent(c templ.Component) (*keptPart, error) {
	var b bytes.Buffer
	if err := c.Render(context.Background(), &b); err != nil {
		return nil, err
	}
	return keepPart(b.Bytes(), keptLevel)
}

// packComponent is keepComponent for a part kept per page, period and
// role: kept compressed only (keepPacked).
func packComponent(c templ.Component) (*keptPart, error) {
	var b bytes.Buffer
	if err := c.Render(context.Background(), &b); err != nil {
		return nil, err
	}
	return keepPacked(b.Bytes(), keptLevel)
}
