/**
 * The registry's refusals: {@link dev.codebound.server.problem.ProblemType}, the catalogue of every
 * problem the server answers with (status, reason code, title), and
 * {@link dev.codebound.server.problem.Refusal}, the exception that carries one from wherever a
 * request is turned down to the code that answers it. docs/registry-api.md lists the catalogue.
 */
package dev.codebound.server.problem;
