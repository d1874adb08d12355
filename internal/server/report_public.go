package server

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"path"
	"time"
	"traguardo/internal/format"

	"github.com/go-chi/chi/v5"

	"traguardo/internal/report"
	"traguardo/internal/store"
	"traguardo/web/pages"
	"traguardo/web/paths"
)

// Publication: a validated Relazione (validata, or validata con
// osservazioni) has a public page at /trasparenza/relazione/{year}, for
// Amministrazione Trasparente. Its frozen PDF is served byte for byte from
// the database; its open data (dati.json: report.OpenData, the results and
// nothing more) and indicatori.csv (report.FrozenCSV: the columns of the
// Relazione's own CSV, for Italian Excel) are made from the frozen JSON,
// which is kept whole for the record and is not public. Every file goes with the
// SHA-256 of the bytes served, in the headers and on the page, cacheable
// for good (the same frozen JSON always gives the same bytes; a new version
// has its own URLs).

// transparencyReport is the public page: the latest validated version with
// its outcome, date, hash and files, the Nucleo's observations frozen with
// it, and the earlier validated versions. 404 until a version is validated.
func (s *Server) transparencyReport(w http.ResponseWriter, r *http.Request) error {
	year, err := yearParam(r)
	if err != nil {
		return err
	}
	versions, err := s.store.PublishedReports(r.Context(), year)
	if err != nil {
		return err
	}
	if len(versions) == 0 {
		return notFound("La Relazione sulla Performance di questo anno non è stata ancora validata dal Nucleo di Valutazione.")
	}
	v := pages.TransparencyView{Year: year, Organisation: versions[0].Organisation, IndexHref: paths.TransparencyIndex}
	for i, ver := range versions {
		// The hash shown is the open data's, the bytes served (the frozen
		// JSON's hash is on the validation page, for the record).
		data, err := s.openData(r.Context(), year, ver)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		row := s.publicVersionRow(ver)
		row.JSONSHA256 = hex.EncodeToString(sum[:])
		if i == 0 {
			v.Latest = row
			if v.Observations, v.ObservationsFrozen, err = observationRows(ver.Observations); err != nil {
				return err
			}
		} else {
			v.Earlier = append(v.Earlier, row)
		}
	}
	s.render(w, r, http.StatusOK, pages.Transparency(v))
	return nil
}

// publicVersionRow is a validated version as the public pages list it.
func (s *Server) publicVersionRow(ver store.ReportVersion) pages.ReportVersionRow {
	row := pages.ReportVersionRow{Number: ver.Number, State: ver.State.Label(), Published: true, Decided: true,
		ValidationHTML: s.policy.Sanitize(ver.ValidationHTML), PDFSHA256: ver.PDFSHA256,
		PDFHref:  paths.TransparencyFile(ver.Year, ver.Number, paths.FrozenPDF),
		JSONHref: paths.TransparencyFile(ver.Year, ver.Number, paths.PublicJSON),
		CSVHref:  paths.TransparencyFile(ver.Year, ver.Number, paths.PublicCSV)}
	if ver.ValidatedOn != nil {
		row.ValidatedOn = format.Date(*ver.ValidatedOn)
	}
	return row
}

// observationRows are the observations frozen with a version (a JSON array
// of report.Observation), formatted for the public page; frozen is false
// for a version decided before observations were frozen (its PDF has none).
func observationRows(frozen []byte) (rows []pages.ObservationRow, ok bool, err error) {
	if frozen == nil {
		return nil, false, nil
	}
	var obs []report.Observation
	if err := json.Unmarshal(frozen, &obs); err != nil {
		return nil, false, fmt.Errorf("frozen observations: %w", err)
	}
	for _, o := range obs {
		row := pages.ObservationRow{Subject: o.Subject(), Text: o.Text, On: format.Date(o.On), By: o.By, Answer: o.Answer}
		if o.AnsweredOn != nil {
			row.AnsweredOn = format.Date(*o.AnsweredOn)
		}
		rows = append(rows, row)
	}
	return rows, true, nil
}

// transparencyIndex is the public index of Amministrazione Trasparente:
// every year with a validated Relazione, latest first, each with its
// validated versions (number, outcome, date, SHA-256 of the PDF, files),
// in one statement whatever the number of years.
func (s *Server) transparencyIndex(w http.ResponseWriter, r *http.Request) error {
	versions, err := s.store.PublishedReportsAll(r.Context())
	if err != nil {
		return err
	}
	var v pages.TransparencyIndexView
	for _, ver := range versions {
		v.Organisation = ver.Organisation
		n := len(v.Years)
		if n == 0 || v.Years[n-1].Year != ver.Year {
			v.Years = append(v.Years, pages.TransparencyYear{Year: ver.Year, Href: paths.Transparency(ver.Year)})
			n++
		}
		v.Years[n-1].Versions = append(v.Years[n-1].Versions, s.publicVersionRow(ver))
	}
	if err := s.pianoTransparency(r, &v); err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, pages.TransparencyIndex(v))
	return nil
}

// publicReportFile serves a file of a validated version to anyone: the
// frozen PDF or JSON, or the CSV of the indicators made from the frozen
// JSON. It runs without a session (a cacheable answer must not touch one),
// so its refusals are plain text.
func (s *Server) publicReportFile(w http.ResponseWriter, r *http.Request) {
	year, okY := yearText(chi.URLParam(r, "year"))
	number, okN := parseNumber(chi.URLParam(r, "n"))
	name := chi.URLParam(r, "file")
	kind := map[string]string{paths.FrozenPDF: store.FilePDF, paths.PublicJSON: store.FileJSON, paths.PublicCSV: store.FileJSON}[name]
	if !okY || !okN || kind == "" {
		http.Error(w, "File non trovato.", http.StatusNotFound)
		return
	}
	f, err := s.store.ReportFile(r.Context(), year, number, kind, true)
	if errors.Is(err, store.ErrNotFound) {
		http.Error(w, "La relazione richiesta non è pubblicata.", http.StatusNotFound)
		return
	}
	if err != nil {
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		http.Error(w, "Errore del server", http.StatusInternalServerError)
		return
	}
	if name == paths.PublicJSON {
		b, err := s.publishedOpenData(r, year, number, f)
		if errors.Is(err, store.ErrNotFound) {
			http.Error(w, "La relazione richiesta non è pubblicata.", http.StatusNotFound)
			return
		}
		if err != nil {
			s.log.Error("open data", "path", r.URL.Path, "err", err)
			http.Error(w, "Errore del server", http.StatusInternalServerError)
			return
		}
		sum := sha256.Sum256(b)
		f = store.ReportFile{Bytes: b, SHA256: hex.EncodeToString(sum[:]), State: f.State}
	}
	if name == paths.PublicCSV {
		b, err := report.FrozenCSV(f.Bytes)
		if err != nil {
			s.log.Error("indicators CSV", "path", r.URL.Path, "err", err)
			http.Error(w, "Errore del server", http.StatusInternalServerError)
			return
		}
		sum := sha256.Sum256(b)
		f = store.ReportFile{Bytes: b, SHA256: hex.EncodeToString(sum[:]), State: f.State}
	}
	serveFrozen(w, r, f, fmt.Sprintf("relazione-%d-v%d-%s", year, number, name), "public")
}

// openData is the open data of a validated version ver of year
// (report.OpenData of its frozen JSON): what the public JSON serves.
func (s *Server) openData(ctx context.Context, year int, ver store.ReportVersion) ([]byte, error) {
	f, err := s.store.ReportFile(ctx, year, ver.Number, store.FileJSON, true)
	if err != nil {
		return nil, err
	}
	return openDataOf(f, ver)
}

func openDataOf(f store.ReportFile, ver store.ReportVersion) ([]byte, error) {
	p := report.Publication{Version: ver.Number, Outcome: string(ver.State)}
	if ver.ValidatedOn != nil {
		p.ValidatedOn = *ver.ValidatedOn
	}
	return report.OpenData(f.Bytes, p)
}

// publishedOpenData is the open data of version number of year, whose
// frozen JSON is f; store.ErrNotFound when the version is not published.
func (s *Server) publishedOpenData(r *http.Request, year, number int, f store.ReportFile) ([]byte, error) {
	versions, err := s.store.PublishedReports(r.Context(), year)
	if err != nil {
		return nil, err
	}
	for _, ver := range versions {
		if ver.Number == number {
			return openDataOf(f, ver)
		}
	}
	return nil, store.ErrNotFound
}

// reportVersionFile serves a frozen file of a decided version (validated or
// not) to the signed-in.
func (s *Server) reportVersionFile(kind, name string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		year, okY := yearText(chi.URLParam(r, "year"))
		number, okN := parseNumber(chi.URLParam(r, "n"))
		if !okY || !okN {
			return notFound("La versione richiesta non esiste.")
		}
		f, err := s.store.ReportFile(r.Context(), year, number, kind, false)
		if err != nil {
			return err
		}
		serveFrozen(w, r, f, fmt.Sprintf("relazione-%d-v%d-%s", year, number, name), "private")
		return nil
	}
}

// serveFrozen writes f byte for byte, with its SHA-256 (Repr-Digest, RFC
// 9530, and X-Content-SHA256 in hex) and an ETag of it; the answer may be
// cached for good (scope "public" or "private"), and a revalidation with
// the ETag gets 304.
func serveFrozen(w http.ResponseWriter, r *http.Request, f store.ReportFile, name, scope string) {
	h := w.Header()
	h.Set("Content-Type", fileTypes[path.Ext(name)])
	h.Set("Content-Disposition", `inline; filename="`+name+`"`)
	raw, _ := hex.DecodeString(f.SHA256)
	h.Set("Repr-Digest", "sha-256=:"+base64.StdEncoding.EncodeToString(raw)+":")
	h.Set("X-Content-SHA256", f.SHA256)
	h.Set("ETag", `"sha256-`+f.SHA256+`"`)
	h.Set("Cache-Control", scope+", max-age=31536000, immutable")
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(f.Bytes))
}

// fileTypes are the media types of the files served, by extension.
var fileTypes = map[string]string{".pdf": "application/pdf", ".json": "application/json; charset=utf-8", ".csv": "text/csv; charset=utf-8"}
