// Every feature of the server: what it announces in `initialize` and where its handlers live.
import { CodeActionKind } from 'vscode-languageserver';
import type { ServerCapabilities } from 'vscode-languageserver';
import type { ServerContext } from '../context';
import * as codeActions from './codeActions';
import * as codeLens from './codeLens';
import * as completion from './completion';
import * as definition from './definition';
import * as folding from './folding';
import * as formatting from './formatting';
import * as hover from './hover';
import * as kernelC from './kernelC';
import * as references from './references';
import * as rename from './rename';
import * as semanticTokens from './semanticTokens';
import * as symbols from './symbols';
import * as testHooks from './testHooks';
import * as traceRequest from './traceRequest';

export function capabilities(): ServerCapabilities {
  return {
    hoverProvider: true,
    completionProvider: { triggerCharacters: [' ', ','] },
    definitionProvider: true,
    referencesProvider: true,
    renameProvider: { prepareProvider: true },
    documentSymbolProvider: true,
    foldingRangeProvider: true,
    semanticTokensProvider: { legend: semanticTokens.LEGEND, full: true },
    documentFormattingProvider: true,
    codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
    codeLensProvider: { resolveProvider: false },
    executeCommandProvider: { commands: [kernelC.KERNEL_C_COMMAND] },
  };
}

export function registerFeatures(ctx: ServerContext): void {
  for (const feature of [hover, completion, definition, references, rename, symbols, folding, semanticTokens, formatting, codeActions, codeLens, traceRequest, kernelC, testHooks]) {
    feature.register(ctx);
  }
}
