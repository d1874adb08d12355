package server

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"traguardo/internal/auth"
	"traguardo/internal/interchange"
	"traguardo/internal/plan"
	"traguardo/internal/spreadsheet"
	"traguardo/internal/store"
	"traguardo/web/pages"
)

// The plan as files: the workbook of a cycle's plan and its empty template
// to download, a workbook to upload into an empty cycle, and a v1 JSON
// document to upload as a new cycle.

const (
	xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	// maxUpload is the largest file accepted; the request may be a little
	// larger, for the multipart framing.
	maxUpload = 10 << 20
)

// planWorkbook sends the plan of the cycle as a workbook.
func (s *Server) planWorkbook(w http.ResponseWriter, r *http.Request) error {
	c, err := s.loadCycle(r)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := spreadsheet.WritePlan(&buf, c); err != nil {
		return err
	}
	sendFile(w, xlsxType, fmt.Sprintf("piano-%d.xlsx", c.Year), buf.Bytes())
	return nil
}

// planTemplate sends the empty workbook with its instructions.
func (s *Server) planTemplate(w http.ResponseWriter, r *http.Request) error {
	var buf bytes.Buffer
	if err := spreadsheet.WriteTemplate(&buf); err != nil {
		return err
	}
	sendFile(w, xlsxType, "modello-piano.xlsx", buf.Bytes())
	return nil
}

func sendFile(w http.ResponseWriter, contentType, name string, b []byte) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, name))
	w.Write(b)
}

// uploadProblem is what is wrong with an upload as a whole, with its status.
type uploadProblem struct {
	status  int
	message string
}

// uploadedFile reads the file of the form field "file" of a multipart form,
// at most maxUpload bytes; a problem of the upload itself is returned as
// an *uploadProblem, other errors as they are.
func uploadedFile(r *http.Request) ([]byte, *uploadProblem, error) {
	tooLarge := &uploadProblem{http.StatusRequestEntityTooLarge, "Il file supera la dimensione massima di 10 MB."}
	missing := &uploadProblem{http.StatusUnprocessableEntity, "Selezionare un file da caricare."}
	if r.ContentLength > maxUploadBody {
		return nil, tooLarge, nil
	}
	// limitBody caps the body at maxUploadBody, so with that much memory
	// allowed every part stays in memory: no temporary file is written.
	// RemoveAll is there all the same, for this request's form.
	err := r.ParseMultipartForm(maxUploadBody)
	if r.MultipartForm != nil {
		defer r.MultipartForm.RemoveAll()
	}
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return nil, tooLarge, nil
	case errors.Is(err, http.ErrNotMultipart), errors.Is(err, http.ErrMissingBoundary):
		return nil, missing, nil
	case err != nil:
		return nil, &uploadProblem{http.StatusBadRequest, "Caricamento non riuscito: riprovare."}, nil
	case invalidText(r.MultipartForm.Value):
		return nil, &uploadProblem{http.StatusUnprocessableEntity, msgBadText}, nil
	}
	file, header, err := r.FormFile("file")
	if errors.Is(err, http.ErrMissingFile) {
		return nil, missing, nil
	}
	if err != nil {
		return nil, nil, err
	}
	defer file.Close()
	if header.Size > maxUpload {
		return nil, tooLarge, nil
	}
	b, err := io.ReadAll(io.LimitReader(file, maxUpload+1))
	switch {
	case err != nil:
		return nil, nil, err
	case len(b) > maxUpload:
		return nil, tooLarge, nil
	case len(b) == 0:
		return nil, &uploadProblem{http.StatusUnprocessableEntity, "Il file selezionato è vuoto."}, nil
	}
	return b, nil, nil
}

// planUpload loads the plan of an empty cycle from a workbook: all of it,
// or nothing with every problem listed.
func (s *Server) planUpload(w http.ResponseWriter, r *http.Request) error {
	c, err := s.loadCycle(r)
	if err != nil {
		return err
	}
	v := pages.SheetImportView{Year: c.Year, HasPlan: len(c.Centres) > 0}
	switch {
	case r.Method == http.MethodGet:
		s.render(w, r, http.StatusOK, pages.SheetImport(v))
		return nil
	case v.HasPlan:
		s.render(w, r, http.StatusConflict, pages.SheetImport(v))
		return nil
	}
	return s.receiveUpload(w, r, s.readWorkbook,
		func(p *plan.Cycle) (string, string, error) {
			err := s.store.ImportPlan(r.Context(), actor(auth.UserFrom(r.Context())), c.Year, p)
			return cycleURL(c.Year), "Piano caricato dal foglio", err
		},
		func(status int, problem string, errs []pages.UploadError) {
			v.Problem, v.Errors = problem, errs
			s.render(w, r, status, pages.SheetImport(v))
		})
}

// readWorkbook reads a plan from a workbook, its descriptions sanitised.
func (s *Server) readWorkbook(b []byte) (*plan.Cycle, []pages.UploadError, error) {
	p, err := spreadsheet.ReadPlan(bytes.NewReader(b))
	var errs spreadsheet.Errors
	if errors.As(err, &errs) {
		var out []pages.UploadError
		for _, e := range errs {
			out = append(out, pages.UploadError{Sheet: e.Sheet, Row: e.Row, Column: e.Column, Message: sentence(e.Message)})
		}
		return nil, out, nil
	}
	if err != nil {
		return nil, nil, err
	}
	for _, ce := range p.Centres {
		for _, o := range ce.Objectives {
			o.DescriptionHTML = s.policy.Sanitize(o.DescriptionHTML)
		}
	}
	return p, nil, nil
}

// cycleImport creates a cycle from a v1 JSON document: all of it, or nothing
// with every problem listed at its path.
func (s *Server) cycleImport(w http.ResponseWriter, r *http.Request) error {
	var v pages.JSONImportView
	if r.Method == http.MethodGet {
		s.render(w, r, http.StatusOK, pages.JSONImport(v))
		return nil
	}
	return s.receiveUpload(w, r, s.readDocument,
		func(c *plan.Cycle) (string, string, error) {
			_, err := s.store.ImportCycle(r.Context(), actor(auth.UserFrom(r.Context())), c)
			return cycleURL(c.Year), fmt.Sprintf("Ciclo %d importato", c.Year), err
		},
		func(status int, problem string, errs []pages.UploadError) {
			v.Problem, v.Errors = problem, errs
			s.render(w, r, status, pages.JSONImport(v))
		})
}

// readDocument reads a cycle from a v1 JSON document.
func (s *Server) readDocument(b []byte) (*plan.Cycle, []pages.UploadError, error) {
	c, err := interchange.Read(bytes.NewReader(b), s.policy)
	var errs interchange.Errors
	if errors.As(err, &errs) {
		var out []pages.UploadError
		for _, e := range errs {
			out = append(out, pages.UploadError{Path: e.Path, Message: sentence(e.Message)})
		}
		return nil, out, nil
	}
	return c, nil, err
}

// receiveUpload is the POST of both upload pages. It reads the uploaded file
// with read, into a cycle or the file's own errors, and saves the cycle with
// save, all or nothing; once saved, it redirects to the address save returns
// with its message and a count of what was saved. Otherwise show shows the
// page again with the file's errors or with the problem of the upload as a
// whole (too large, missing, refused by the store), and its status.
func (s *Server) receiveUpload(w http.ResponseWriter, r *http.Request,
	read func([]byte) (*plan.Cycle, []pages.UploadError, error),
	save func(*plan.Cycle) (to, flash string, err error),
	show func(status int, problem string, errs []pages.UploadError),
) error {
	b, problem, err := uploadedFile(r)
	if err != nil {
		return err
	}
	if problem != nil {
		show(problem.status, problem.message, nil)
		return nil
	}
	c, errs, err := read(b)
	if err != nil {
		return err
	}
	if len(errs) > 0 {
		show(http.StatusUnprocessableEntity, "", errs)
		return nil
	}
	to, flash, err := save(c)
	var conflict *store.Conflict
	switch {
	case err == nil:
		n := c.Count()
		parts := nonZero(count(n.Centres, "centro", "centri"), count(n.Objectives, "obiettivo", "obiettivi"),
			count(n.Activities, "attività", "attività"), count(n.Indicators, "indicatore", "indicatori"))
		if len(parts) == 0 {
			parts = []string{"nessun elemento"}
		}
		s.seeOther(w, r, to, fmt.Sprintf("%s: %s.", flash, strings.Join(parts, ", ")))
		return nil
	case errors.As(err, &conflict):
		show(http.StatusConflict, sentence(conflict.Message), nil)
		return nil
	}
	return err
}
