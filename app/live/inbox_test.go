package live

import "testing"

func TestInboxNeverBlocksAndKeepsOrder(t *testing.T) {
	q := newInbox[int]()
	// Far more than any bounded buffer the callbacks once used, with no
	// consumer running: every put must return.
	for i := range 10_000 {
		q.put(i)
	}
	select {
	case <-q.ready:
	default:
		t.Fatal("no ready token after puts")
	}
	got := q.take()
	if len(got) != 10_000 {
		t.Fatalf("took %d items, want 10000", len(got))
	}
	for i, v := range got {
		if v != i {
			t.Fatalf("item %d is %d: order lost", i, v)
		}
	}
	if q.len() != 0 || len(q.take()) != 0 {
		t.Fatal("inbox not empty after take")
	}
}
