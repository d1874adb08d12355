package components

import "context"

// FormOwnerField is the hidden field of the forms that are kept when their
// session expired (see KeepInput): the signed owner token of the account
// that loaded the form.
const FormOwnerField = "form_owner"

// FormState is what the server tells the forms of a page about the request
// that renders it.
type FormState struct {
	// Owner is the signed token naming the signed-in account, for
	// FormOwnerField; "" when nobody is signed in.
	Owner string
	// Unsaved says the page shows values that are not saved: a form shown
	// again after a refused save, or restored after signing in.
	Unsaved bool
	// Restored, when set, tells at the top of the form that its values are
	// those posted after the session expired, restored after signing in.
	Restored string
}

type formStateKey struct{}

// WithFormState returns a context carrying st for the page's forms.
func WithFormState(ctx context.Context, st FormState) context.Context {
	return context.WithValue(ctx, formStateKey{}, st)
}

// FormStateFrom returns the form state of ctx (nothing when none was set).
func FormStateFrom(ctx context.Context) FormState {
	st, _ := ctx.Value(formStateKey{}).(FormState)
	return st
}
