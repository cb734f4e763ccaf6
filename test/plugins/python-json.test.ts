import t from 'tap'
import { pythonJsonDumps } from '../../src/plugins/python-json.js'

t.test('writes JSON as Python\'s json.dumps does by default', async (t) => {
  t.equal(pythonJsonDumps({ message: 'x', title: 'Message', raise_exception: 1 }), '{"message": "x", "title": "Message", "raise_exception": 1}')
  t.equal(pythonJsonDumps(['a', 'b']), '["a", "b"]')
  t.equal(pythonJsonDumps('café ✓ 😀'), '"caf\\u00e9 \\u2713 \\ud83d\\ude00"', 'non-ASCII escaped, astral characters as surrogate pairs')
  t.equal(pythonJsonDumps('<strong>"q"</strong>\n'), '"<strong>\\"q\\"</strong>\\n"')
  t.equal(pythonJsonDumps({ a: null, b: true, c: 1.5, d: undefined }), '{"a": null, "b": true, "c": 1.5}')
  const encoded = pythonJsonDumps([pythonJsonDumps({ message: 'Müller' })])
  t.equal(encoded, '["{\\"message\\": \\"M\\\\u00fcller\\"}"]', 'Frappe\'s _server_messages: a list of JSON texts')
  t.same(JSON.parse(JSON.parse(encoded)[0]), { message: 'Müller' }, 'decodes in two steps')
})
