package server

import (
	"errors"
	"fmt"
	"testing"

	"traguardo/internal/plan"
)

// TestReviewRefusal: each refusal of plan reads as the page says it, the
// sentences written by hand; any other error is not a refusal.
func TestReviewRefusal(t *testing.T) {
	for _, tc := range []struct {
		err        error
		msg, field string
	}{
		{plan.ErrCommentRequired, "indicare nel commento che cosa correggere", "comment"},
		{&plan.EntryClosedError{Why: plan.WhySubmitted}, "il periodo è stato inviato al direttore ed è in attesa di revisione: non si può inviare", ""},
		{&plan.EntryClosedError{Why: plan.WhyApproved}, "il periodo è stato approvato e non si può più modificare: non si può inviare", ""},
		{&plan.EntryClosedError{Why: plan.WhyClosed}, "la finestra di inserimento del periodo è chiusa: non si può inviare", ""},
		{&plan.EntryClosedError{Why: plan.WhyNotYet}, "la finestra di inserimento del periodo non è ancora aperta: non si può inviare", ""},
		{&plan.NotAwaitingReviewError{Action: plan.Approve, State: plan.Draft}, "il periodo non è in attesa di revisione: in compilazione", ""},
		{&plan.NotAwaitingReviewError{Action: plan.Return, State: plan.Approved}, "il periodo non è in attesa di revisione: approvato", ""},
		{fmt.Errorf("wrapped: %w", &plan.NotAwaitingReviewError{Action: plan.Return, State: plan.Returned}), "il periodo non è in attesa di revisione: restituito", ""},
		{&plan.ReasonsMissingError{Reasons: []string{"a", "b"}}, "prima di inviare, indicare le motivazioni mancanti: a; b", ""},
	} {
		msg, field, ok := reviewRefusal(tc.err)
		if !ok || msg != tc.msg || field != tc.field {
			t.Errorf("reviewRefusal(%v) = %q, %q, %v; want %q, %q", tc.err, msg, field, ok, tc.msg, tc.field)
		}
	}
	if _, _, ok := reviewRefusal(errors.New("connection reset")); ok {
		t.Error("an error of the database reads as a refusal")
	}
	if _, _, ok := reviewRefusal(nil); ok {
		t.Error("no error reads as a refusal")
	}
}
