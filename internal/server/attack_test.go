package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"traguardo/internal/server"
)

// The attacks of the security review, replayed. Each test failed on the
// code before the fix. Helpers start with atk.

// atkTempFiles lists the multipart spill files in the OS temp directory.
func atkTempFiles(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(os.TempDir(), "multipart-*"))
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// atkZeros is an endless stream of zero bytes, read n at a time.
type atkZeros struct{ left int64 }

func (z *atkZeros) Read(p []byte) (int, error) {
	if z.left == 0 {
		return 0, io.EOF
	}
	n := int64(len(p))
	n = min(n, z.left)
	clear(p[:n])
	z.left -= n
	return int(n), nil
}

// atkMultipart posts a multipart form with the text fields and, when size is
// positive, a file part "file" of size zero bytes, streamed (so the test
// holds none of it). It returns the status and the body.
func atkMultipart(c *secClient, path string, fields map[string]string, filename string, file []byte, size int64) *secResponse {
	c.t.Helper()
	var head bytes.Buffer
	mw := multipart.NewWriter(&head)
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if err := mw.WriteField(k, fields[k]); err != nil {
			c.t.Fatal(err)
		}
	}
	var body io.Reader = &head
	if filename != "" {
		if _, err := mw.CreateFormFile("file", filename); err != nil {
			c.t.Fatal(err)
		}
		head.Write(file)
		body = io.MultiReader(&head, &atkZeros{left: size}, strings.NewReader("\r\n--"+mw.Boundary()+"--\r\n"))
	} else if err := mw.Close(); err != nil {
		c.t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, c.base.String()+path, body)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := c.hc.Do(req)
	if err != nil {
		c.t.Fatalf("POST %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	r := &secResponse{Status: resp.StatusCode, Body: string(b), Header: resp.Header}
	if r.Status >= 400 {
		secCheckNoLeak(c.t, "POST "+path, r.Body)
	}
	return r
}

// TestAttack_MultipartLeavesNoTemporaryFile: a multipart POST with a large
// file part to a route that takes no file (the anonymous sign-in) left its
// temporary file on disk forever. It is refused before it is read, and no
// spill file is left, there or on the upload routes.
func TestAttack_MultipartLeavesNoTemporaryFile(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	before := atkTempFiles(t)
	anon := e.client(t)
	// 40 MB: over the 32 MB that Go keeps in memory by default.
	r := atkMultipart(anon, "/accedi", map[string]string{"email": "a@traguardo.test", "password": "x"}, "grande.bin", nil, 40<<20)
	if r.Status != http.StatusUnsupportedMediaType {
		t.Errorf("multipart sign-in: status %d, want 415; body:\n%.500s", r.Status, r.Body)
	}
	dir := e.signedIn(t, "direttore")
	r = atkMultipart(dir, "/cicli/importa", nil, "ciclo.json", []byte("{"), 40<<20)
	if r.Status != http.StatusRequestEntityTooLarge {
		t.Errorf("40 MB upload: status %d, want 413; body:\n%.500s", r.Status, r.Body)
	}
	// Over the form limit but under the upload limit: an upload route keeps
	// it in memory, and throws it away.
	r = atkMultipart(dir, "/cicli/importa", nil, "ciclo.json", []byte("{"), 5<<20)
	if r.Status != http.StatusUnprocessableEntity {
		t.Errorf("5 MB bad upload: status %d, want 422; body:\n%.500s", r.Status, r.Body)
	}
	for _, f := range atkTempFiles(t) {
		if !slices.Contains(before, f) {
			t.Errorf("temporary file %s outlived its request", f)
		}
	}
}

// TestAttack_MultipartText: NUL or invalid UTF-8 in a multipart field made
// the handler answer 500. Outside the upload routes a multipart body is
// refused; on them a text field with such a byte is refused with 422.
// Nothing is written either way.
func TestAttack_MultipartText(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	adm := e.signedIn(t, "admin")
	filesEmptyCycle(t, e.st, 2032)
	objective := "/cicli/2023/obiettivi/" + strconv.FormatInt(e.objectiveID, 10) + "/modifica"
	cases := []struct {
		c      *secClient
		path   string
		fields map[string]string
		want   int
	}{
		{e.client(t), "/accedi", map[string]string{"email": "nul\x00@traguardo.test", "password": "x"}, 415},
		{e.client(t), "/accedi", map[string]string{"email": "\xff@traguardo.test", "password": "x"}, 415},
		{adm, "/admin/utenti", map[string]string{"email": "nuovo@traguardo.test", "name": "Nome\x00", "role": "osservatore"}, 415},
		{adm, objective, map[string]string{"section": "S", "number": "1", "title": "Titolo\xc3"}, 415},
		{adm, "/cicli/importa", map[string]string{"nota": "\x00"}, 422},
		{adm, "/cicli/2032/importa-foglio", map[string]string{"nota": "\xff\xfe"}, 422},
	}
	for _, tc := range cases {
		before := secSnapshot(t, e.pool)
		var r *secResponse
		if strings.Contains(tc.path, "importa") {
			r = atkMultipart(tc.c, tc.path, tc.fields, "ciclo.json", filesDemoJSON(t, 2031), 0)
		} else {
			r = atkMultipart(tc.c, tc.path, tc.fields, "", nil, 0)
		}
		if r.Status != tc.want {
			t.Errorf("POST %s %q: status %d, want %d; body:\n%.500s", tc.path, tc.fields, r.Status, tc.want, r.Body)
		}
		if tc.want == http.StatusUnprocessableEntity && !strings.Contains(r.Body, "La richiesta contiene caratteri non ammessi.") {
			t.Errorf("POST %s: no Italian message; body:\n%.1500s", tc.path, r.Body)
		}
		secRequireUnchanged(t, "POST "+tc.path, before, secSnapshot(t, e.pool), "sessions")
	}
}

// TestAttack_HugeTitle: a 10 MB objective title was accepted and made the
// cycle page 10 MB for everyone. A form body over 1 MB is refused with 413
// and writes nothing; under it, a title over its limit is refused at the
// field (the form tests check each field's limit).
func TestAttack_HugeTitle(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	dir := e.signedIn(t, "direttore")
	path := fmt.Sprintf("/cicli/2023/centri/%d/obiettivi/nuovo", e.centreID)
	form := pfObjectiveForm()
	before := secSnapshot(t, e.pool)
	form.Set("title", strings.Repeat("x", 10<<20))
	if r := dir.post(path, form); r.Status != http.StatusRequestEntityTooLarge {
		t.Errorf("10 MB title: status %d, want 413", r.Status)
	}
	form.Set("title", strings.Repeat("x", 500_000))
	r := dir.post(path, form)
	if r.Status != http.StatusUnprocessableEntity {
		t.Errorf("500 KB title: status %d, want 422", r.Status)
	} else if got := usersFieldError(t, parseHTML(t, r.Body), "title"); got != "Testo troppo lungo: al più 2.000 caratteri (ne ha 500.000)." {
		t.Errorf("500 KB title: message %q", got)
	}
	secRequireUnchanged(t, "huge titles", before, secSnapshot(t, e.pool), "sessions")
}

// TestAttack_JSONImportOutOfRange: an objective number past PostgreSQL's
// integer and a negative percentage passed the import's checks and made the
// database refuse the insert (500). Both are listed at their paths, and
// nothing is written.
func TestAttack_JSONImportOutOfRange(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	dir := e.signedIn(t, "direttore")
	var doc map[string]any
	if err := json.Unmarshal(filesDemoJSON(t, 2031), &doc); err != nil {
		t.Fatal(err)
	}
	centre := doc["centres"].([]any)[0].(map[string]any)
	objective := centre["objectives"].([]any)[0].(map[string]any)
	objective["number"] = 2147483648
	objective["title"] = strings.Repeat("t", 2001)
	indicator := objective["indicators"].([]any)[0].(map[string]any)
	indicator["unit"] = "%"
	indicator["expected"] = -5
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	before := secSnapshot(t, e.pool)
	r := filesUpload(dir, "/cicli/importa", "ciclo.json", b, nil)
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("import: status %d, want 422; body:\n%.1500s", r.Status, r.Body)
	}
	got := filesErrorRows(t, r.Body)
	want := [][]string{
		{"centres[0].objectives[0].number", "Numero dell'obiettivo mancante o non valido (intero da 1 a 9999)."},
		{"centres[0].objectives[0].title", "Testo troppo lungo: al più 2.000 caratteri (ne ha 2.001)."},
		{"centres[0].objectives[0].indicators[0].expected", "Una percentuale attesa non può essere negativa."},
	}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("errors:\n%q\nwant:\n%q", got, want)
	}
	secRequireUnchanged(t, "import", before, secSnapshot(t, e.pool), "sessions")
}

// TestAttack_Headers: HSTS when the application is reached over HTTPS, and
// no-store on every response a signed-in user gets, the 404 page included.
func TestAttack_Headers(t *testing.T) {
	t.Parallel()
	secure := newSecEnv(t, server.Config{SecureCookies: true})
	plain := newSecEnv(t, server.Config{})
	for _, path := range []string{"/accedi", "/healthz", "/static/css/app.css", "/non-esiste"} {
		r := secure.client(t).get(path)
		if got := r.Header.Get("Strict-Transport-Security"); got != "max-age=31536000" {
			t.Errorf("GET %s over HTTPS: Strict-Transport-Security %q", path, got)
		}
		if got := plain.client(t).get(path).Header.Get("Strict-Transport-Security"); got != "" {
			t.Errorf("GET %s over HTTP: Strict-Transport-Security %q, want none", path, got)
		}
	}
	c := plain.signedIn(t, "osservatore")
	for _, path := range []string{"/", "/cicli/2023", "/non-esiste", "/cicli/1999", "/admin/utenti", "/cicli/2023/export.json"} {
		r := c.get(path)
		if got := r.Header.Get("Cache-Control"); got != "no-store" {
			t.Errorf("GET %s signed in (status %d): Cache-Control %q, want no-store", path, r.Status, got)
		}
	}
	if got := c.get("/static/css/app.css").Header.Get("Cache-Control"); got != "public, max-age=86400" {
		t.Errorf("static file: Cache-Control %q", got)
	}
	if r := c.get("/non-esiste"); r.Status != http.StatusNotFound {
		t.Errorf("GET /non-esiste: status %d", r.Status)
	}
}
