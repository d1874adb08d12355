package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
	"traguardo/internal/format"

	"traguardo/internal/auth"
	"traguardo/internal/domain"
	"traguardo/internal/interchange"
	"traguardo/internal/plan"
	"traguardo/internal/report"
	"traguardo/internal/store"
	"traguardo/web/components"
	"traguardo/web/pages"
	"traguardo/web/paths"
)

// exportJSON is the cycle's JSON v1 export, as /cicli/{year}/export.json
// serves it: what a validation freezes besides the PDF.
func exportJSON(c *plan.Cycle, today time.Time) ([]byte, error) {
	var b bytes.Buffer
	err := interchange.Encode(&b, c, today)
	return b.Bytes(), err
}

// reportValidate serves the Nucleo's validation of the version waiting:
// the outcome, the date and the text of its act. Saving freezes the
// report's PDF (renderReportPDF) and its JSON v1 export with their SHA-256.
func (s *Server) reportValidate(w http.ResponseWriter, r *http.Request) error {
	c, err := s.loadCycle(r)
	if err != nil {
		return err
	}
	versions, err := s.store.ReportVersions(r.Context(), c.Year)
	if err != nil {
		return err
	}
	v := pages.ReportValidateView{Year: c.Year, PreviewHref: paths.ReportFile(c.Year, "pdf"), Action: paths.ValidationDecide(c.Year),
		Cancel: paths.Validation(c.Year), Errors: components.FieldErrors{}, On: format.Date(s.today())}
	for _, o := range plan.Outcomes() {
		v.Outcomes = append(v.Outcomes, components.Option{Value: string(o), Label: o.Label()})
	}
	pending := pendingVersion(versions)
	if pending != nil {
		v.Number, v.SentAt, v.SentBy, v.OpenPoints = pending.Number, components.DateTime(pending.SentAt), pending.SentBy, pending.OpenPoints
	}
	if r.Method == http.MethodGet {
		s.render(w, r, http.StatusOK, pages.ReportValidate(v))
		return nil
	}
	if pending == nil {
		return &store.Conflict{Message: "nessuna relazione è in attesa del Nucleo: il direttore deve prima inviarla"}
	}
	if n, err := strconv.Atoi(r.PostFormValue("number")); err != nil || n != pending.Number {
		return &store.Conflict{Message: "la relazione in attesa è la versione " + strconv.Itoa(pending.Number) + ": ricaricare la pagina e ripetere la validazione"}
	}
	v.Outcome = r.PostFormValue("outcome")
	v.On = strings.TrimSpace(r.PostFormValue("validated_on"))
	v.TextHTML = s.policy.Sanitize(r.PostFormValue("text_html"))
	outcome := plan.ReportState(v.Outcome)
	if !outcome.IsOutcome() {
		v.Errors["outcome"] = "Scegliere l'esito della validazione."
	}
	on, err := components.ParseDay(v.On)
	switch {
	case v.On == "":
		v.Errors["validated_on"] = "Indicare la data del documento di validazione."
	case err != nil:
		v.Errors["validated_on"] = "Data non valida: usare il formato gg/mm/aaaa."
	default:
		on = store.Day(on)
		if msg := plan.ValidationProblem(on, domain.Today(pending.SentAt), s.today()); msg != "" {
			v.Errors["validated_on"] = sentence(msg)
		}
	}
	if strings.TrimSpace(tags.ReplaceAllString(v.TextHTML, "")) == "" {
		v.Errors["text_html"] = "Scrivere il testo del documento di validazione."
	} else if msg := plan.TooLong(v.TextHTML, plan.MaxRichText); msg != "" {
		v.Errors["text_html"] = sentence(msg)
	}
	if len(v.Errors) == 0 {
		err := s.freezeAndValidate(r, c, pending.Number, store.Validation{Outcome: outcome, On: on, TextHTML: v.TextHTML})
		if err == nil {
			s.seeOther(w, r, paths.Validation(c.Year), "Validazione registrata: «"+outcome.Label()+"». La relazione è congelata.")
			return nil
		}
		var conflict *store.Conflict
		switch {
		case errors.Is(err, report.ErrNoChromium):
			// The validation freezes the PDF: without the program that
			// prints it nothing is recorded, and the form keeps what the
			// Nucleo wrote.
			v.Errors[""] = "La validazione non è stata registrata: il PDF della relazione, che la validazione congela, non si può stampare su questo server. " +
				"L'amministratore del server deve " + report.InstallChromium + "; poi si ripete la registrazione."
			s.render(w, r, http.StatusServiceUnavailable, pages.ReportValidate(v))
			return nil
		case !errors.As(err, &conflict):
			return err
		}
		v.Errors[conflict.Field] = sentence(conflict.Message)
	}
	s.render(w, r, http.StatusUnprocessableEntity, pages.ReportValidate(v))
	return nil
}

// freezeAndValidate makes the report's files and saves the decision with
// them: the JSON first, then the PDF; the store checks, in the decision's
// transaction, that the JSON is still the cycle's.
func (s *Server) freezeAndValidate(r *http.Request, c *plan.Cycle, number int, val store.Validation) error {
	ctx := r.Context()
	fresh, err := s.store.LoadCycle(ctx, c.Year)
	if err != nil {
		return err
	}
	today := s.today()
	if val.JSON, err = exportJSON(fresh, today); err != nil {
		return err
	}
	var obs []report.Observation
	if val.PDF, obs, err = s.renderReportPDF(ctx, c.Year, number, &report.Validation{Outcome: val.Outcome.Label(), On: val.On, TextHTML: val.TextHTML}); err != nil {
		return err
	}
	// The observations printed are frozen with the PDF, for the public page.
	if val.Observations, err = json.Marshal(obs); err != nil {
		return err
	}
	val.Comments = len(obs)
	val.Export = func(c *plan.Cycle) ([]byte, error) { return exportJSON(c, today) }
	val.Link = paths.Validation(c.Year)
	ids, err := s.store.ValidateReport(ctx, actor(auth.UserFrom(ctx)), c.Year, number, val)
	if err != nil {
		return err
	}
	s.mailNotifications(ids)
	return nil
}
