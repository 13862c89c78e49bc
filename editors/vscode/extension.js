// takst in VS Code: starts `takst lsp` for .takst files and connects VS Code's
// language client to it. The highlighting is the TextMate grammar in syntaxes/.
'use strict';

const vscode = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');

/** @type {LanguageClient | undefined} */
let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration('takst').get('path') || 'takst';
  const serverOptions = { command, args: ['lsp'] };
  const clientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'takst' },
      { scheme: 'untitled', language: 'takst' },
    ],
  };
  client = new LanguageClient('takst', 'takst', serverOptions, clientOptions);
  client.start().catch((error) => {
    vscode.window.showErrorMessage(
      `takst: could not start \`${command} lsp\` (${error.message}). ` +
        'Install takst, or set takst.path to the program.'
    );
  });
  context.subscriptions.push({ dispose: () => deactivate() });
}

function deactivate() {
  const running = client;
  client = undefined;
  return running ? running.stop() : undefined;
}

module.exports = { activate, deactivate };
