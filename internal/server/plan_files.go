package server

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"traguardo/internal/auth"
	"traguardo/internal/fielderr"
	"traguardo/internal/interchange"
	"traguardo/internal/plan"
	"traguardo/internal/spreadsheet"
	"traguardo/internal/store"
	"traguardo/web/components"
	"traguardo/web/pages"
	"traguardo/web/paths"
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
// or nothing with every problem listed. A workbook of another year is
// refused, with the offer to move its dates into the cycle ("shift").
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
	return s.receiveUpload(w, r,
		func(b []byte) (*plan.Cycle, fielderr.List, error) {
			shift, ok := formShift(r)
			if !ok {
				v.Problem = msgBadShift
				return nil, nil, nil
			}
			p, errs, offer, err := s.readWorkbook(b, spreadsheet.Options{Year: c.Year, ShiftYears: shift})
			v.Shift, v.Shifted = keptShift(offer, shift, c.Year), offer == nil && shift != 0
			return p, errs, err
		},
		func(p *plan.Cycle) (string, string, error) {
			err := s.store.ImportPlan(r.Context(), actor(auth.UserFrom(r.Context())), c.Year, p)
			return paths.Cycle(c.Year), "Piano caricato dal foglio", err
		},
		func(status int, problem string, errs fielderr.List) {
			v.Problem, v.Errors = cmp.Or(problem, v.Problem), errs
			s.render(w, r, status, pages.SheetImport(v))
		})
}

// msgBadShift refuses a move of the dates that no page offers.
const msgBadShift = "Spostamento delle date non valido: caricare di nuovo il file dalla pagina."

// maxShift bounds the years a move of the dates may span.
const maxShift = 100

// formShift reads the years of the move of the dates ("shift", a checkbox
// the page offers): 0 when absent; false when it is not a whole number of
// at most maxShift years.
func formShift(r *http.Request) (int, bool) {
	s := strings.TrimSpace(r.FormValue("shift"))
	if s == "" {
		return 0, true
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < -maxShift || n > maxShift {
		return 0, false
	}
	return n, true
}

// keptShift is the move the page offers: the one that would fix the file,
// or else the one just made, for a file refused for other reasons (ticked
// again, so that the next upload makes it too), into the cycle to (0 when
// unknown); nil when neither.
func keptShift(offer *plan.YearShift, made, to int) *plan.YearShift {
	switch {
	case offer != nil:
		return offer
	case made != 0 && to == 0:
		return &plan.YearShift{Years: made}
	case made != 0:
		return &plan.YearShift{Years: made, From: to - made, To: to}
	}
	return nil
}

// readWorkbook reads a plan from a workbook, its descriptions sanitised; a
// workbook that a move of its dates would fix comes with that move.
func (s *Server) readWorkbook(b []byte, opt spreadsheet.Options) (*plan.Cycle, fielderr.List, *plan.YearShift, error) {
	p, err := spreadsheet.ReadPlanWith(bytes.NewReader(b), opt)
	if errs, offer, ok := fileErrors(err); ok {
		return nil, errs, offer, nil
	}
	if err != nil {
		return nil, nil, nil, err
	}
	for _, ce := range p.Centres {
		for _, o := range ce.Objectives {
			o.DescriptionHTML = s.policy.Sanitize(o.DescriptionHTML)
		}
	}
	return p, nil, nil, nil
}

// cycleImport creates a cycle from a v1 JSON document: all of it, or nothing
// with every problem listed at its path. The form may give another year
// ("year"): the cycle of that year is made, every date moved by the
// difference; a document whose months are of another year than its own is
// refused with the offer to move them ("shift").
func (s *Server) cycleImport(w http.ResponseWriter, r *http.Request) error {
	var v pages.JSONImportView
	if r.Method == http.MethodGet {
		s.render(w, r, http.StatusOK, pages.JSONImport(v))
		return nil
	}
	return s.receiveUpload(w, r,
		func(b []byte) (*plan.Cycle, fielderr.List, error) {
			v.Year = strings.TrimSpace(r.FormValue("year"))
			year := 0
			if v.Year != "" {
				n, err := strconv.Atoi(v.Year)
				if err != nil || store.CheckYear(n) != nil {
					v.Errs = components.FieldErrors{"year": "Anno non valido: un numero tra 2000 e 2100, oppure vuoto per l'anno del documento."}
					v.Problem = "L'anno del ciclo non è valido: nulla è stato salvato."
					return nil, nil, nil
				}
				year = n
			}
			shift, ok := formShift(r)
			if !ok {
				v.Problem = msgBadShift
				return nil, nil, nil
			}
			c, errs, offer, err := s.readDocument(b, interchange.Options{Year: year, ShiftMonths: shift})
			// Without an offer the page does not know the document's
			// year (0): the box kept then names the years alone.
			v.Shift, v.Shifted = keptShift(offer, shift, year), offer == nil && shift != 0
			return c, errs, err
		},
		func(c *plan.Cycle) (string, string, error) {
			_, err := s.store.ImportCycle(r.Context(), actor(auth.UserFrom(r.Context())), c)
			return paths.Cycle(c.Year), fmt.Sprintf("Ciclo %d importato", c.Year), err
		},
		func(status int, problem string, errs fielderr.List) {
			v.Problem, v.Errors = cmp.Or(problem, v.Problem), errs
			s.render(w, r, status, pages.JSONImport(v))
		})
}

// readDocument reads a cycle from a v1 JSON document; a document whose
// months a move would bring into the cycle comes with that move.
func (s *Server) readDocument(b []byte, opt interchange.Options) (*plan.Cycle, fielderr.List, *plan.YearShift, error) {
	c, err := interchange.ReadWith(bytes.NewReader(b), s.policy, opt)
	if errs, offer, ok := fileErrors(err); ok {
		return nil, errs, offer, nil
	}
	return c, nil, nil, err
}

// fileErrors are the problems of an uploaded file that err lists, as
// sentences, with the move of the file's dates that the page offers (nil
// for none); false when err is not a list of problems.
func fileErrors(err error) (fielderr.List, *plan.YearShift, bool) {
	var errs fielderr.List
	if !errors.As(err, &errs) {
		return nil, nil, false
	}
	out := make(fielderr.List, len(errs))
	for i, e := range errs {
		e.Message = sentence(e.Message)
		out[i] = e
	}
	var shiftable *plan.Shiftable
	if errors.As(err, &shiftable) {
		return out, &shiftable.Shift, true
	}
	return out, nil, true
}

// receiveUpload is the POST of both upload pages. It reads the uploaded file
// with read, into a cycle or the file's own errors (or neither, when read
// found a field of the form wrong and put it on the page), and saves the cycle with
// save, all or nothing; once saved, it redirects to the address save returns
// with its message and a count of what was saved. Otherwise show shows the
// page again with the file's errors or with the problem of the upload as a
// whole (too large, missing, refused by the store), and its status.
func (s *Server) receiveUpload(w http.ResponseWriter, r *http.Request,
	read func([]byte) (*plan.Cycle, fielderr.List, error),
	save func(*plan.Cycle) (to, flash string, err error),
	show func(status int, problem string, errs fielderr.List),
) error {
	b, problem, err := uploadedFile(r)
	if err != nil {
		return err
	}
	if problem != nil {
		show(problem.status, problem.message, nil)
		return nil
	}
	// The file is read and saved in one of few slots: its body, already
	// received, is all that waits.
	if !s.cfg.Uploads.Acquire(r.Context()) {
		w.Header().Set("Retry-After", uploadRetry)
		show(http.StatusServiceUnavailable, msgUploadsBusy, nil)
		return nil
	}
	defer s.cfg.Uploads.Release()
	c, errs, err := read(b)
	if err != nil {
		return err
	}
	// No cycle and no error of the file: a field of the form is wrong,
	// and read has said so on the page.
	if len(errs) > 0 || c == nil {
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
