-- A forward trace lists every shipment line of every lot it reaches: for the salt lot used in
-- thousands of batches, ~72,000 lines (bench/run.ts, issue 7). With the shipment id and quantity
-- in a partial index of shipped movements, db/lineage.ts listShipmentsOfLots reads those lines
-- from the index alone instead of fetching each movement row.
CREATE INDEX movements_shipped ON movements(lot_id, shipment_id, quantity) WHERE kind = 'shipped';
