package layout

import "context"

type flashKey struct{}

// WithFlash returns a context carrying a one-time message for the next page.
func WithFlash(ctx context.Context, msg string) context.Context {
	return context.WithValue(ctx, flashKey{}, msg)
}

// FlashFrom returns the one-time message of ctx, if any.
func FlashFrom(ctx context.Context) string {
	s, _ := ctx.Value(flashKey{}).(string)
	return s
}
