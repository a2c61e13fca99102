// Parse a .bib or CSL-JSON file with citation.js and print the CSL-JSON it reads, so the Python
// tests can check that every entry and field survives. Usage: node parse.mjs FILE
import { readFileSync } from 'node:fs'
import { Cite } from '@citation-js/core'
import '@citation-js/plugin-bibtex'
import '@citation-js/plugin-csl'

const text = readFileSync(process.argv[2], 'utf8')
const cite = await Cite.async(text)
process.stdout.write(JSON.stringify(cite.data))
