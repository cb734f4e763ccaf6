import t from 'tap'
import { normalizeDate, normalizeDatetime, normalizeTime } from '../../src/meta/field-values.js'

t.test('dates, datetimes and times in the forms the columns hold', async (t) => {
  t.equal(normalizeDatetime('2001-01-01'), '2001-01-01 00:00:00.000000', 'a date alone is midnight')
  t.equal(normalizeDatetime('2025-02-15 9:05'), '2025-02-15 09:05:00.000000')
  t.equal(normalizeDatetime('2025-02-15T23:59:59.5Z'), '2025-02-15 23:59:59.500000')
  t.equal(normalizeDatetime('2025-02-15 23:59:59.1234567'), '2025-02-15 23:59:59.123456')
  t.equal(normalizeDatetime('2025-02-30 10:00'), undefined, 'no such day')
  t.equal(normalizeDatetime('2025-02-15 24:00'), undefined)
  t.equal(normalizeDate('2024-02-29'), '2024-02-29')
  t.equal(normalizeDate('2023-02-29'), undefined)
  t.equal(normalizeDate('2024-02-29 10:00:00'), '2024-02-29', 'the date of a datetime')
  t.equal(normalizeTime('9:05'), '09:05:00.000000')
  t.equal(normalizeTime('18:30:15.25'), '18:30:15.250000')
  t.equal(normalizeTime('25:00'), undefined)
})
