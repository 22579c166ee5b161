package kernel

import "sync"

// mailbox is an unbounded FIFO of messages fed by one socket reader, so that a
// chatty cell (a progress bar updating thousands of times) never blocks the
// reader, and a reader error is delivered after the messages before it.
type mailbox struct {
	mu     sync.Mutex
	queue  []*Message
	err    error
	notify chan struct{} // receives a token whenever queue or err changes
}

func newMailbox() *mailbox { return &mailbox{notify: make(chan struct{}, 1)} }

func (b *mailbox) put(m *Message) {
	b.mu.Lock()
	b.queue = append(b.queue, m)
	b.mu.Unlock()
	b.signal()
}

func (b *mailbox) fail(err error) {
	b.mu.Lock()
	if b.err == nil {
		b.err = err
	}
	b.mu.Unlock()
	b.signal()
}

func (b *mailbox) signal() {
	select {
	case b.notify <- struct{}{}:
	default:
	}
}

// take returns the oldest queued message, or the reader's error once the queue
// is empty, or (nil, nil) if there is nothing yet.
func (b *mailbox) take() (*Message, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.queue) > 0 {
		m := b.queue[0]
		b.queue[0] = nil
		b.queue = b.queue[1:]
		if len(b.queue) > 0 {
			b.signal()
		}
		return m, nil
	}
	return nil, b.err
}
