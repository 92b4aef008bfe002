import { expect } from 'chai';
import { currentDetails, deliveryDetails } from '../../src/workflows/delivery-presentation';

const at = '2030-06-01T10:00:00.000Z';

describe('how a delivery reads in the Temporal UI', () => {
  it('when a delivery failed with a code, then its current details name the code beside the note', () => {
    const text = currentDetails({
      status: 'FAILED',
      assignedTo: 'a1',
      lastEvent: 'status_changed',
      lastActor: 'admin a1',
      lastReason: 'Rang twice',
      at,
      failureReason: 'recipient_unavailable',
    });
    expect(text)
      .to.include('**Failure** recipient_unavailable')
      .and.include('**Reason** Rang twice');
  });

  it('when a delivery was completed with a proof, then its current details say who received it and how many photos', () => {
    const text = currentDetails({
      status: 'COMPLETED',
      assignedTo: 'a1',
      lastEvent: 'status_changed',
      lastActor: 'admin a1',
      lastReason: null,
      at,
      proof: { receivedBy: 'Ann', photos: 2 },
    });
    expect(text).to.include('**Received by** Ann (2 photos)').and.not.include('**Failure**');
  });

  it('when a delivery has a window and requires proof, then its static details show the window instead of the date, and the proof', () => {
    const text = deliveryDetails({
      deliveryId: 'd1',
      partnerId: 'p1',
      apiUrl: 'http://x/api/v1/deliveries/d1',
      request: {
        product_name: 'Lamp',
        delivery_address: '1 Main St',
        delivery_date: '2030-06-02',
        dropoff_window: { start: '2030-06-02T08:00:00Z', end: '2030-06-02T10:00:00Z' },
        proof_required: true,
      },
    });
    expect(text).to.include('**Window** 2030-06-02T08:00:00Z – 2030-06-02T10:00:00Z');
    expect(text).to.include('**Proof of delivery** required').and.not.include('**Due**');
  });
});
