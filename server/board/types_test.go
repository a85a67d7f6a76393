package board

import (
	"slices"
	"testing"

	"ersatzraum/server/files"
)

// The allowed types are spelled out in app/protocol for the browser's
// file pickers; they must be the names server/files detects.
func TestTypesAreFileStoreTypes(t *testing.T) {
	known := []string{files.PDF, files.PNG, files.JPEG, files.WebP, files.Text}
	for _, typ := range append(slices.Clone(AttachmentTypes), HandInTypes...) {
		if !slices.Contains(known, typ) {
			t.Errorf("%q is not a type server/files detects", typ)
		}
	}
	if slices.Contains(AttachmentTypes, files.Text) || !slices.Contains(HandInTypes, files.Text) {
		t.Errorf("text is for hand-ins only: %v %v", AttachmentTypes, HandInTypes)
	}
}
