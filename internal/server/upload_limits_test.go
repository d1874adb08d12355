package server_test

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"traguardo/internal/server"
	"traguardo/internal/spreadsheet"
)

// uploadsStylesBomb returns the empty template with its styles part in place of
// its own: 19 million cell formats, as the security report's bomb, that
// pack into some 150 KB and unpack into 95 MB.
func uploadsStylesBomb(t testing.TB) []byte {
	t.Helper()
	var tmpl bytes.Buffer
	if err := spreadsheet.WriteTemplate(&tmpl); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(tmpl.Bytes()), int64(tmpl.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		if f.Name != "xl/styles.xml" {
			if err := zw.Copy(f); err != nil {
				t.Fatal(err)
			}
		}
	}
	w, err := zw.Create("xl/styles.xml")
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><cellXfs>`)
	block := strings.Repeat("<xf/>", 10_000)
	for range 1_900 {
		io.WriteString(w, block)
	}
	io.WriteString(w, `</cellXfs></styleSheet>`)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// uploadsCentres is a v1 document of n centres, each centre.
func uploadsCentres(n int, centre string) []byte {
	var b bytes.Buffer
	b.WriteString(`{"format": "traguardo/v1", "organisation": {"name": "Consorzio IN.RE.TE."}, "year": 2031, "periods": ["2031-06-30", "2031-12-31"], "centres": [` + centre)
	for range n - 1 {
		b.WriteString("," + centre)
	}
	b.WriteString(`]}`)
	return b.Bytes()
}

// The workbook bomb of the security report, uploaded: refused at the
// upload with the reason, quickly, nothing written.
func TestUpload_WorkbookBombRefused(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	adm := e.signedIn(t, "admin")
	filesEmptyCycle(t, e.st, 2025)
	bomb := uploadsStylesBomb(t)
	before := secSnapshot(t, e.pool)
	start := time.Now()
	r := filesUpload(adm, "/cicli/2025/importa-foglio", "bomba.xlsx", bomb, nil)
	elapsed := time.Since(start)
	t.Logf("%d KB workbook refused in %v", len(bomb)>>10, elapsed.Round(time.Millisecond))
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d; body:\n%.2000s", r.Status, r.Body)
	}
	rows := filesErrorRows(t, r.Body)
	want := []string{"–", "–", "–", "Il file non è una cartella di lavoro Excel leggibile: la parte «xl/styles.xml» supera 64 MB una volta estratta; salvarlo di nuovo in formato .xlsx e riprovare."}
	if len(rows) != 1 || strings.Join(rows[0], "|") != strings.Join(want, "|") {
		t.Errorf("errors %q, want %q", rows, want)
	}
	if elapsed > 5*time.Second {
		t.Errorf("the refusal took %v", elapsed)
	}
	secRequireUnchanged(t, "a refused workbook", before, secSnapshot(t, e.pool), "sessions")
}

// A JSON document of almost 10 MB with a problem in each of its 100,000
// centres: the page lists the first 500 and counts the others, and stays
// short; the document of the security report (10 MB of empty centres) gets
// one line.
func TestImport_JSONErrorsCapped(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	adm := e.signedIn(t, "admin")
	before := secSnapshot(t, e.pool)

	doc := uploadsCentres(100_000, `{"name": "", "manager": "`+strings.Repeat("m", 70)+`"}`)
	r := filesUpload(adm, "/cicli/importa", "centri.json", doc, nil)
	t.Logf("%d KB document: status %d, page of %d KB", len(doc)>>10, r.Status, len(r.Body)>>10)
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d; body:\n%.2000s", r.Status, r.Body)
	}
	if len(r.Body) > 256<<10 {
		t.Errorf("a page of %d KB", len(r.Body)>>10)
	}
	if got, want := filesProblem(t, r.Body), "Il file contiene 100.000 errori: nulla è stato salvato. Correggerli e caricare di nuovo il file. Sono elencati i primi 500."; got != want {
		t.Errorf("problem %q, want %q", got, want)
	}
	rows := filesErrorRows(t, r.Body)
	if len(rows) != 501 {
		t.Fatalf("%d rows", len(rows))
	}
	if got, want := rows[499], []string{"centres[499].name", "Nome del centro mancante."}; strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("row 500 %q, want %q", got, want)
	}
	if got, want := rows[500], []string{"–", "E altri 99.500 errori, non elencati."}; strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("last row %q, want %q", got, want)
	}

	doc = uploadsCentres((10<<20-200)/3, `{}`)
	r = filesUpload(adm, "/cicli/importa", "vuoti.json", doc, nil)
	t.Logf("%d KB document of empty centres: status %d, page of %d KB", len(doc)>>10, r.Status, len(r.Body)>>10)
	rows = filesErrorRows(t, r.Body)
	if r.Status != http.StatusUnprocessableEntity || len(rows) != 1 || rows[0][1] != "Documento troppo grande: più di 200.000 oggetti ed elenchi." {
		t.Errorf("status %d, errors %q", r.Status, rows)
	}
	if len(r.Body) > 64<<10 {
		t.Errorf("a page of %d KB", len(r.Body)>>10)
	}
	secRequireUnchanged(t, "refused documents", before, secSnapshot(t, e.pool), "sessions")
}

// While every slot of the uploads is taken, an upload waits its turn for a
// while, then is refused with 503, Retry-After and the reason; once a slot
// is free it is read.
func TestUpload_BusyLimit(t *testing.T) {
	t.Parallel()
	uploads := server.NewUploads(1, 200*time.Millisecond)
	e := newSecEnv(t, server.Config{Uploads: uploads})
	adm := e.signedIn(t, "admin")
	filesEmptyCycle(t, e.st, 2025)
	if !uploads.Acquire(context.Background()) {
		t.Fatal("no slot")
	}
	held := true
	defer func() {
		if held {
			uploads.Release()
		}
	}()
	before := secSnapshot(t, e.pool)
	for _, path := range []string{"/cicli/importa", "/cicli/2025/importa-foglio"} {
		start := time.Now()
		r := filesUpload(adm, path, "ciclo.json", filesDemoJSON(t, 2030), nil)
		if r.Status != http.StatusServiceUnavailable || r.Header.Get("Retry-After") != "10" {
			t.Errorf("%s: status %d, Retry-After %q; body:\n%.1500s", path, r.Status, r.Header.Get("Retry-After"), r.Body)
			continue
		}
		if waited := time.Since(start); waited < 200*time.Millisecond {
			t.Errorf("%s: refused after %v, without waiting its turn", path, waited)
		}
		if got, want := filesProblem(t, r.Body), "Troppi file in lettura in questo momento: riprovare tra qualche secondo."; got != want {
			t.Errorf("%s: problem %q, want %q", path, got, want)
		}
		if len(byTestID(parseHTML(t, r.Body), "upload-form")) != 1 {
			t.Errorf("%s: no form to upload again", path)
		}
	}
	secRequireUnchanged(t, "uploads refused for want of a slot", before, secSnapshot(t, e.pool), "sessions")

	// A slot freed while an upload waits: it is read.
	time.AfterFunc(50*time.Millisecond, uploads.Release)
	held = false
	r := filesUpload(adm, "/cicli/importa", "ciclo.json", filesDemoJSON(t, 2030), nil)
	if r.Status != http.StatusSeeOther || r.Location() != "/cicli/2030" {
		t.Errorf("with a slot: status %d, Location %q; body:\n%.1500s", r.Status, r.Location(), r.Body)
	}
	// The slot is given back: the next one is read too.
	r = filesUpload(adm, "/cicli/importa", "ciclo.json", filesDemoJSON(t, 2031), nil)
	if r.Status != http.StatusSeeOther {
		t.Errorf("the next upload: status %d", r.Status)
	}
}

// The messages of an import reach the page escaped once: the text a
// browser shows reads "dell'ente", with no entity left in it, for a
// problem of the document, a conflict with the store and a workbook
// refused before it is read.
func TestImport_MessagesEscapedOnce(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, server.Config{})
	adm := e.signedIn(t, "admin")
	filesEmptyCycle(t, e.st, 2025)
	noName := strings.Replace(string(filesDemoJSON(t, 2026)), `"name": "Consorzio IN.RE.TE."`, `"name": ""`, 1)
	other := strings.Replace(string(filesDemoJSON(t, 2027)), `"name": "Consorzio IN.RE.TE."`, `"name": "Comune dell'Aquila & <Valle>"`, 1)
	for _, c := range []struct {
		path, file string
		body       []byte
		want       string
	}{
		{"/cicli/importa", "senza-nome.json", []byte(noName), "Nome dell'ente mancante."},
		{"/cicli/importa", "altro-ente.json", []byte(other), `Il documento è dell'ente "Comune dell'Aquila & <Valle>", ma questa installazione è dell'ente "Consorzio IN.RE.TE.".`},
		{"/cicli/2025/importa-foglio", "bomba.xlsx", uploadsStylesBomb(t), "«xl/styles.xml»"},
	} {
		r := filesUpload(adm, c.path, c.file, c.body, nil)
		text := textOf(parseHTML(t, r.Body))
		if !strings.Contains(text, c.want) {
			t.Errorf("%s: the page does not read %q; body:\n%.2000s", c.file, c.want, r.Body)
		}
		for _, entity := range []string{"&#39;", "&#34;", "&amp;", "&lt;", "&quot;"} {
			if strings.Contains(text, entity) {
				t.Errorf("%s: the page reads %q, escaped twice", c.file, entity)
			}
		}
		if strings.Contains(r.Body, "&amp;#") {
			t.Errorf("%s: an entity escaped again in the HTML", c.file)
		}
	}
}
