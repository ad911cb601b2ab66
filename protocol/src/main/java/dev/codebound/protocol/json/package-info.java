/**
 * JSON reading shared by the station's and the registry's stores: instants read in the form Jackson
 * writes them without a {@code DateTimeFormatter} ({@link dev.codebound.protocol.json.UtcInstantDeserializer}),
 * which is most of the cost of replaying a journal of small records.
 */
package dev.codebound.protocol.json;
