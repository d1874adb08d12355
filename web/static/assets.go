package static

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"mime"
	"path"
	"strings"
	"sync"
)

// Asset is a static file ready to serve: its bytes, their hash (for
// versioned URLs and the ETag) and, for text, the same gzipped once at the
// highest level.
type Asset struct {
	Name        string
	Content     []byte
	Hash        string // first 16 hex digits of the SHA-256 of Content
	ContentType string
	gzipOnce    sync.Once
	gzipped     []byte
}

var (
	assetsOnce sync.Once
	assets     map[string]*Asset
)

func load() {
	assets = map[string]*Asset{}
	fs.WalkDir(FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := FS.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		assets[p] = &Asset{Name: p, Content: b, Hash: hex.EncodeToString(sum[:8]), ContentType: mime.TypeByExtension(path.Ext(p))}
		return nil
	})
}

// Lookup finds the static file of name ("css/app.css").
func Lookup(name string) (*Asset, bool) {
	assetsOnce.Do(load)
	a, ok := assets[name]
	return a, ok
}

// URL is the address of the static file name with its version
// ("/static/css/app.css?v=…"): it changes with the file, so browsers may
// keep it for ever. A name that is not a static file panics (a typo in a
// template must not reach users).
func URL(name string) string {
	a, ok := Lookup(name)
	if !ok {
		panic("static: no file " + name)
	}
	return "/static/" + name + "?v=" + a.Hash
}

// Gzipped is the content gzipped, or nil when the file does not gain from
// it (fonts and images already compressed).
func (a *Asset) Gzipped() []byte {
	if !compressible(a.ContentType) {
		return nil
	}
	a.gzipOnce.Do(func() {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		zw.Write(a.Content)
		zw.Close()
		if buf.Len() < len(a.Content) {
			a.gzipped = buf.Bytes()
		}
	})
	return a.gzipped
}

func compressible(contentType string) bool {
	for _, t := range []string{"text/", "application/javascript", "text/javascript", "image/svg+xml", "application/json"} {
		if strings.HasPrefix(contentType, t) {
			return true
		}
	}
	return false
}
